// Acceptance: "a wrong type or an oversized file gets a clear error" — and nothing of a
// refused file is kept, an oversized stream is not read to its end, and an owner's files stay
// within their count and total size, even when uploads finish together.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { Attachment, AttachmentChunk } from '../../../models/index.js';
import { AttachmentError, CHUNK_BYTES, listAttachments, removeAttachment, storeAttachment, type AttachmentLimits, type AttachmentOwner } from '../../../server/attachments/index.js';
import { describeError } from '../../../server/errors.js';
import { translator } from '../../../server/i18n/index.js';
import { DISGUISED, jpegFile, meteredStream, pdfFile, pngFile } from '../../helpers/sample-attachments.js';

const MiB = 1024 * 1024;
const inspection = (): AttachmentOwner => ({ kind: 'inspection', id: new Types.ObjectId().toHexString() });
const inspector = { username: 'inspector-li' };
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a refusal'), (error: unknown) => error as AttachmentError);

async function nothingStored(): Promise<void> {
  expect(await Attachment.countDocuments({})).to.equal(0);
  expect(await AttachmentChunk.countDocuments({})).to.equal(0);
}

describe('attachments: refusals', () => {
  for (const [label, bytes] of Object.entries({ 'an EXE': DISGUISED.exe, 'a ZIP': DISGUISED.zip, 'HTML': DISGUISED.html, 'SVG': DISGUISED.svg, 'a GIF': DISGUISED.gif, 'junk before a PDF header': DISGUISED.lateHeaderPdf })) {
    it(`storeAttachment, given ${label} named .jpg and declared image/jpeg, refuses it with attachment_type (415) and stores nothing`, async () => {
      const error = await refusal(storeAttachment({ owner: inspection(), fileName: '现场照片.jpg', declaredType: 'image/jpeg', buffer: bytes, uploadedBy: inspector }));
      expect(error).to.be.instanceOf(AttachmentError);
      expect([error.code, error.status]).to.deep.equal(['attachment_type', 415]);
      await nothingStored();
    });
  }

  it('attachment_type names the accepted formats in the reader\'s language', async () => {
    const error = await refusal(storeAttachment({ owner: inspection(), fileName: 'a.jpg', buffer: DISGUISED.exe, uploadedBy: inspector }));
    expect(describeError(translator('zh-CN'), error)).to.include('JPEG、PNG、WebP、PDF');
    expect(describeError(translator('en'), error)).to.include('JPEG, PNG, WebP, PDF');
  });

  it('storeAttachment, given an EXE as a stream that never ends, refuses it after the first piece', async () => {
    const upload = meteredStream(DISGUISED.exe);
    const error = await refusal(storeAttachment({ owner: inspection(), fileName: 'a.pdf', stream: upload.stream, uploadedBy: inspector }));
    expect(error.code).to.equal('attachment_type');
    expect(upload.pulled()).to.be.at.most(2 * 64 * 1024);
    expect(upload.stream.destroyed, 'the upload stream is released').to.equal(true);
  });

  it('storeAttachment, given an endless JPEG stream, refuses it with attachment_too_large (413) once past the limit, reading no further and keeping nothing', async () => {
    const limits: AttachmentLimits = { maxFileBytes: 1 * MiB, maxFilesPerOwner: 20, maxBytesPerOwner: 100 * MiB };
    const upload = meteredStream(jpegFile(100));
    const error = await refusal(storeAttachment({ owner: inspection(), fileName: 'big.jpg', stream: upload.stream, uploadedBy: inspector }, { limits }));
    expect([error.code, error.status]).to.deep.equal(['attachment_too_large', 413]);
    expect(describeError(translator('zh-CN'), error)).to.include('1 MB');
    // Read up to the piece that crossed the limit (and what the stream buffered ahead).
    expect(upload.pulled()).to.be.at.most(1 * MiB + 2 * 64 * 1024);
    expect(upload.stream.destroyed).to.equal(true);
    await nothingStored();
  });

  it('storeAttachment, given the default 10 MB limit, stores a file of exactly 10 MB and refuses one byte more', async function () {
    this.timeout(60_000);
    const owner = inspection();
    const exact = meteredStream(jpegFile(100), { totalBytes: 10 * MiB });
    const stored = await storeAttachment({ owner, fileName: 'exact.jpg', stream: exact.stream, uploadedBy: inspector });
    expect(stored.size).to.equal(10 * MiB);
    const over = meteredStream(jpegFile(100), { totalBytes: 10 * MiB + 1 });
    const error = await refusal(storeAttachment({ owner, fileName: 'over.jpg', stream: over.stream, uploadedBy: inspector }));
    expect(error.code).to.equal('attachment_too_large');
    expect(await Attachment.countDocuments({})).to.equal(1);
    expect(await AttachmentChunk.countDocuments({})).to.equal(Math.ceil((10 * MiB) / CHUNK_BYTES));
  });

  it('storeAttachment, given an empty buffer or a stream that ends at once, refuses it with attachment_empty (422)', async () => {
    const fromBuffer = await refusal(storeAttachment({ owner: inspection(), fileName: 'empty.pdf', buffer: Buffer.alloc(0), uploadedBy: inspector }));
    const fromStream = await refusal(storeAttachment({ owner: inspection(), fileName: 'empty.pdf', stream: meteredStream(Buffer.alloc(0), { totalBytes: 0 }).stream, uploadedBy: inspector }));
    expect([fromBuffer.code, fromBuffer.status, fromStream.code]).to.deep.equal(['attachment_empty', 422, 'attachment_empty']);
    await nothingStored();
  });

  it('storeAttachment, given a file shorter than every signature, refuses it with attachment_type', async () => {
    const error = await refusal(storeAttachment({ owner: inspection(), fileName: 'a.jpg', buffer: Buffer.from([0xff, 0xd8]), uploadedBy: inspector }));
    expect(error.code).to.equal('attachment_type');
  });
});

describe('attachments: per-owner limits', () => {
  const limits: AttachmentLimits = { maxFileBytes: 1 * MiB, maxFilesPerOwner: 3, maxBytesPerOwner: 2 * MiB };

  it('storeAttachment, given an owner at its file count, refuses with attachment_too_many (409) before reading the file; other owners are unaffected', async () => {
    const owner = inspection();
    for (const name of ['a.png', 'b.png', 'c.png']) await storeAttachment({ owner, fileName: name, buffer: pngFile(), uploadedBy: inspector }, { limits });
    const upload = meteredStream(jpegFile(100));
    const error = await refusal(storeAttachment({ owner, fileName: 'd.jpg', stream: upload.stream, uploadedBy: inspector }, { limits }));
    expect([error.code, error.status]).to.deep.equal(['attachment_too_many', 409]);
    expect(upload.pulled(), 'not read at all').to.equal(0);
    expect(upload.stream.destroyed).to.equal(true);
    expect(await listAttachments(owner)).to.have.length(3);
    await storeAttachment({ owner: inspection(), fileName: 'e.png', buffer: pngFile(), uploadedBy: inspector }, { limits });
  });

  it('storeAttachment, given a file that would take the owner past its total size, refuses with attachment_quota while it streams', async () => {
    const owner = inspection();
    await storeAttachment({ owner, fileName: 'a.pdf', buffer: pdfFile(900 * 1024), uploadedBy: inspector }, { limits });
    await storeAttachment({ owner, fileName: 'b.pdf', buffer: pdfFile(900 * 1024), uploadedBy: inspector }, { limits });
    const upload = meteredStream(jpegFile(100));
    const error = await refusal(storeAttachment({ owner, fileName: 'c.jpg', stream: upload.stream, uploadedBy: inspector }, { limits }));
    expect([error.code, error.status]).to.deep.equal(['attachment_quota', 409]);
    expect(upload.pulled()).to.be.below(1 * MiB);
    expect(await listAttachments(owner)).to.have.length(2);
    expect(await Attachment.countDocuments({})).to.equal(2);
  });

  it('storeAttachment, given six uploads at once for an owner allowed three files, keeps exactly three and refuses three with attachment_too_many', async () => {
    const owner = inspection();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => storeAttachment({ owner, fileName: `${i}.jpg`, buffer: jpegFile(CHUNK_BYTES + 10), uploadedBy: inspector }, { limits })),
    );
    const kept = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as AttachmentError).code);
    expect(kept).to.equal(3);
    expect(refused).to.deep.equal(['attachment_too_many', 'attachment_too_many', 'attachment_too_many']);
    expect(await listAttachments(owner)).to.have.length(3);
    expect(await Attachment.countDocuments({})).to.equal(3);
    expect(await AttachmentChunk.countDocuments({})).to.equal(2 * 3);
  });

  it('storeAttachment, given two uploads finishing together that would pass the owner\'s total, never keeps both', async () => {
    const owner = inspection();
    const tight: AttachmentLimits = { ...limits, maxBytesPerOwner: Math.floor(1.5 * MiB) };
    const outcomes = await Promise.allSettled(
      ['a.pdf', 'b.pdf'].map((name) => storeAttachment({ owner, fileName: name, buffer: pdfFile(900 * 1024), uploadedBy: inspector }, { limits: tight })),
    );
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as AttachmentError).code);
    expect(refused.length).to.be.within(1, 2);
    expect(refused.every((code) => code === 'attachment_quota')).to.equal(true);
    expect(await listAttachments(owner)).to.have.length(2 - refused.length);
    expect(await Attachment.countDocuments({})).to.equal(2 - refused.length);
    expect(await AttachmentChunk.countDocuments({})).to.equal(4 * (2 - refused.length));
  });

  it('removeAttachment frees the owner\'s slot for another file', async () => {
    const owner = inspection();
    const files = [];
    for (const name of ['a.png', 'b.png', 'c.png']) files.push(await storeAttachment({ owner, fileName: name, buffer: pngFile(), uploadedBy: inspector }, { limits }));
    await removeAttachment(files[1]!.id);
    const again = await storeAttachment({ owner, fileName: 'd.png', buffer: pngFile(), uploadedBy: inspector }, { limits });
    expect((await listAttachments(owner)).map((file) => file.id)).to.deep.equal([files[0]!.id, files[2]!.id, again.id]);
    expect((await Attachment.findById(again.id).lean())?.slot).to.equal(1);
  });
});
