// Files for the attachment tests, made in code: a real PNG (zlib-compressed scanlines, CRCs),
// a real JPEG (a minimal baseline image, grown with comment segments), a real PDF (with its
// cross-reference table) and WebP-signed bytes; and the things people disguise as photos.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A W×H RGB PNG of noise (noise does not compress: the file is about 3·W·H bytes). */
export function pngFile(width = 8, height = 8): Buffer {
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 0 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A 1×1 baseline JPEG (JFIF, one grey pixel). */
const TINY_JPEG = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432' +
    'ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa' +
    'ffda0008010100003f002bffd9',
  'hex',
);

/** A JPEG of about `size` bytes: the tiny image with comment (COM) segments of random bytes after its header. */
export function jpegFile(size = TINY_JPEG.length): Buffer {
  const segments: Buffer[] = [];
  let length = TINY_JPEG.length;
  while (length + 4 <= size) {
    const payload = Math.min(65_533, size - length - 4);
    const header = Buffer.from([0xff, 0xfe, 0, 0]);
    header.writeUInt16BE(payload + 2, 2);
    segments.push(header, randomBytes(payload));
    length += payload + 4;
  }
  return Buffer.concat([TINY_JPEG.subarray(0, 20), ...segments, TINY_JPEG.subarray(20)]);
}

/** A one-page PDF carrying `payloadBytes` of random binary in an embedded file stream. */
export function pdfFile(payloadBytes = 1000): Buffer {
  const payload = randomBytes(payloadBytes);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'),
    Buffer.concat([Buffer.from(`<< /Type /EmbeddedFile /Length ${payload.length} >>\nstream\n`), payload, Buffer.from('\nendstream')]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(at);
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    at += object.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** RIFF/WEBP-signed bytes (a VP8L chunk of random data): enough for the type check. */
export function webpFile(size = 200): Buffer {
  const file = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8L', 'latin1'), randomBytes(Math.max(0, size - 16))]);
  file.writeUInt32LE(file.length - 8, 4);
  return file;
}

/** What is not a photo or a PDF, whatever it is called. */
export const DISGUISED = {
  exe: Buffer.concat([Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff', 'latin1'), randomBytes(500)]),
  zip: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), randomBytes(500)]),
  html: Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  gif: Buffer.from('GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;', 'latin1'),
  /** A PDF header after junk: readers accept it, which is how polyglots are built. */
  lateHeaderPdf: Buffer.concat([Buffer.from('<html><!-- '), pdfFile(100)]),
};

/**
 * A stream of `pieceBytes` pieces (the first `head`, the rest random) that never ends unless
 * `totalBytes` is given; `pulled()` says how many bytes were read from it.
 */
export function meteredStream(head: Buffer, options: { pieceBytes?: number; totalBytes?: number; failAfterBytes?: number } = {}) {
  const pieceBytes = options.pieceBytes ?? 64 * 1024;
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (options.failAfterBytes !== undefined && pulled >= options.failAfterBytes) {
        this.destroy(Object.assign(new Error('connection reset by the client'), { code: 'ECONNRESET' }));
        return;
      }
      if (options.totalBytes !== undefined && pulled >= options.totalBytes) {
        this.push(null);
        return;
      }
      const first = pulled === 0;
      let piece = first ? Buffer.concat([head, randomBytes(Math.max(0, pieceBytes - head.length))]) : randomBytes(pieceBytes);
      if (options.totalBytes !== undefined) piece = piece.subarray(0, options.totalBytes - pulled);
      pulled += piece.length;
      this.push(piece);
    },
  });
  return { stream, pulled: () => pulled };
}
