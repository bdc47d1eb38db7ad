// The pure parts of attachments: the type judged from the first bytes, the display name and
// the Content-Disposition header, and the limits taken from the configuration.
import { expect } from 'chai';
import { loadConfig } from '../../server/config.js';
import { contentDisposition, sanitiseFileName } from '../../server/attachments/file-name.js';
import { detectAttachmentType, SNIFF_BYTES } from '../../server/attachments/file-type.js';
import { attachmentLimitsFrom, attachmentUploadLimits, DEFAULT_ATTACHMENT_LIMITS } from '../../server/attachments/limits.js';
import { DISGUISED, jpegFile, pdfFile, pngFile, webpFile } from '../helpers/sample-attachments.js';

describe('attachment types, judged by content', () => {
  it('detectAttachmentType, given JPEG, PNG, WebP and PDF bytes, names each type', () => {
    expect([jpegFile(), pngFile(), webpFile(), pdfFile()].map((file) => detectAttachmentType(file.subarray(0, SNIFF_BYTES)))).to.deep.equal([
      'image/jpeg', 'image/png', 'image/webp', 'application/pdf',
    ]);
  });

  it('detectAttachmentType, given an EXE, a ZIP, HTML, SVG, GIF or a PDF header after junk, accepts none', () => {
    for (const [name, bytes] of Object.entries(DISGUISED)) expect(detectAttachmentType(bytes.subarray(0, SNIFF_BYTES)), name).to.equal(undefined);
  });

  it('detectAttachmentType, given fewer bytes than a signature or another RIFF format, accepts none', () => {
    expect(detectAttachmentType(Buffer.from([0xff, 0xd8]))).to.equal(undefined);
    expect(detectAttachmentType(Buffer.from('%PDF'))).to.equal(undefined);
    expect(detectAttachmentType(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'))).to.equal(undefined);
    expect(detectAttachmentType(Buffer.alloc(0))).to.equal(undefined);
  });
});

describe('attachment names', () => {
  it('sanitiseFileName, given a Chinese name with the right extension, keeps it', () => {
    expect(sanitiseFileName('现场检查照片（1）.jpg', 'image/jpeg')).to.equal('现场检查照片（1）.jpg');
    expect(sanitiseFileName('营业执照.JPEG', 'image/jpeg')).to.equal('营业执照.JPEG');
  });

  it('sanitiseFileName, given a path, keeps its last segment', () => {
    expect(sanitiseFileName('C:\\Users\\张三\\Desktop\\记录.pdf', 'application/pdf')).to.equal('记录.pdf');
    expect(sanitiseFileName('../../etc/passwd.pdf', 'application/pdf')).to.equal('passwd.pdf');
  });

  it('sanitiseFileName, given an extension that does not fit the content, corrects or appends one', () => {
    expect(sanitiseFileName('photo.png', 'image/jpeg')).to.equal('photo.jpg');
    expect(sanitiseFileName('现场照片', 'image/png')).to.equal('现场照片.png');
    expect(sanitiseFileName('report.exe', 'application/pdf')).to.equal('report.exe.pdf');
  });

  it('sanitiseFileName, given bidi overrides, controls and forbidden characters, removes or replaces them', () => {
    // U+202E would show "photo\u202Egpj.exe" as "photoexe.jpg".
    expect(sanitiseFileName('photo\u202Egpj.exe', 'image/jpeg')).to.equal('photogpj.exe.jpg');
    expect(sanitiseFileName('a\u0000b\u200bc\r\n.pdf', 'application/pdf')).to.equal('abc.pdf');
    expect(sanitiseFileName('a"b<c>d|e?f*g:h.pdf', 'application/pdf')).to.equal('a_b_c_d_e_f_g_h.pdf');
    expect(sanitiseFileName('lone\uD800surrogate.pdf', 'application/pdf')).to.equal('lonesurrogate.pdf');
  });

  it('sanitiseFileName, given an empty, dotted, device or very long name, gives a usable bounded one', () => {
    expect(sanitiseFileName('', 'image/png')).to.equal('attachment.png');
    expect(sanitiseFileName('  ...  .pdf', 'application/pdf')).to.equal('attachment.pdf');
    expect(sanitiseFileName('.hidden.pdf', 'application/pdf')).to.equal('hidden.pdf');
    expect(sanitiseFileName('CON.pdf', 'application/pdf')).to.equal('_CON.pdf');
    const long = sanitiseFileName(`${'检'.repeat(300)}.pdf`, 'application/pdf');
    expect([...long]).to.have.length(120);
    expect(long.endsWith('检.pdf')).to.equal(true);
    const emoji = sanitiseFileName(`${'😀'.repeat(200)}.jpg`, 'image/jpeg');
    expect(emoji.isWellFormed()).to.equal(true);
  });

  it('contentDisposition, given a Chinese name, sends an ASCII filename and the RFC 5987 filename*', () => {
    expect(contentDisposition('attachment', '现场照片.jpg')).to.equal(
      "attachment; filename=\"attachment.jpg\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg",
    );
    expect(contentDisposition('inline', '检查记录 v2.pdf')).to.equal(
      "inline; filename=\"_ v2.pdf\"; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E8%AE%B0%E5%BD%95%20v2.pdf",
    );
  });

  it('contentDisposition, given an ASCII name, sends filename alone; given quote-like characters, encodes them', () => {
    expect(contentDisposition('inline', 'scan-01.pdf')).to.equal('inline; filename="scan-01.pdf"');
    const header = contentDisposition('attachment', "it's (1)*%.pdf");
    expect(header).to.equal("attachment; filename=\"it's (1)*_.pdf\"; filename*=UTF-8''it%27s%20%281%29%2A%25.pdf");
    expect(decodeURIComponent(header.split("UTF-8''")[1] as string)).to.equal("it's (1)*%.pdf");
  });
});

describe('attachment limits', () => {
  it('attachmentLimitsFrom, given the default configuration, allows 10 MB per file, 20 files and 100 MB per owner', () => {
    expect(attachmentLimitsFrom(loadConfig({}))).to.deep.equal({ maxFileBytes: 10 * 1024 * 1024, maxFilesPerOwner: 20, maxBytesPerOwner: 100 * 1024 * 1024 });
    expect(attachmentLimitsFrom(loadConfig({ ATTACHMENT_MAX_MB: '3' })).maxFileBytes).to.equal(3 * 1024 * 1024);
  });

  it('ATTACHMENT_MAX_MB, given 0 or a word, is refused by name', () => {
    expect(() => loadConfig({ ATTACHMENT_MAX_MB: '0' })).to.throw(/ATTACHMENT_MAX_MB/);
    expect(() => loadConfig({ ATTACHMENT_MAX_MB: 'ten' })).to.throw(/ATTACHMENT_MAX_MB/);
  });

  it('attachmentUploadLimits lets one byte more through the multipart reader, so that the attachment code refuses it', () => {
    expect(attachmentUploadLimits(DEFAULT_ATTACHMENT_LIMITS).maxFileBytes).to.equal(DEFAULT_ATTACHMENT_LIMITS.maxFileBytes + 1);
  });
});
