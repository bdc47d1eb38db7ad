// Attachments stored in the database come back byte for byte (acceptance: "stored files
// download intact (checksum)"), listed per owner, openable only as their owner's, removable;
// and a damaged file is never delivered whole.
import { expect } from 'chai';
import { Readable } from 'node:stream';
import { mongo, Types } from 'mongoose';
import { Attachment, AttachmentChunk } from '../../../models/index.js';
import { CHUNK_BYTES, listAttachments, openAttachment, removeAttachment, storeAttachment, type AttachmentOwner } from '../../../server/attachments/index.js';
import { NotFoundError } from '../../../server/errors.js';
import { jpegFile, pdfFile, pngFile, sha256, webpFile } from '../../helpers/sample-attachments.js';

const inspection = (): AttachmentOwner => ({ kind: 'inspection', id: new Types.ObjectId().toHexString() });
const inspector = { username: 'inspector-li' };

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; status?: number });

describe('attachments: storing and reading back', () => {
  it('storeAttachment, given a JPEG of several chunks as a stream, stores it and openAttachment returns the same bytes (sha256 equal)', async () => {
    const owner = inspection();
    const bytes = jpegFile(3 * CHUNK_BYTES + 12_345);
    const stream = Readable.from(chunked(bytes, 64 * 1024), { objectMode: false });
    const stored = await storeAttachment({ owner, fileName: '现场照片.jpg', declaredType: 'image/jpeg', stream, uploadedBy: inspector });
    expect(stored).to.include({ fileName: '现场照片.jpg', contentType: 'image/jpeg', size: bytes.length, sha256: sha256(bytes) });
    const opened = await openAttachment(stored.id);
    const back = await readAll(opened.stream);
    expect(sha256(back)).to.equal(sha256(bytes));
    expect(back.equals(bytes)).to.equal(true);
    const chunks = await AttachmentChunk.find({ attachment: new Types.ObjectId(stored.id) }).sort({ n: 1 }).lean();
    expect(chunks.map((chunk) => (chunk.data as unknown as mongo.Binary).length())).to.deep.equal([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 12_345]);
  });

  for (const [label, make, type, name] of [
    ['a PNG', () => pngFile(40, 30), 'image/png', 'plan.png'],
    ['a PDF', () => pdfFile(600_000), 'application/pdf', '检查记录表.pdf'],
    ['a WebP', () => webpFile(5000), 'image/webp', 'photo.webp'],
    ['a JPEG of exactly one chunk', () => jpegFile(CHUNK_BYTES), 'image/jpeg', 'one.jpg'],
    ['a 5-byte PDF-signed file', () => Buffer.from('%PDF-'), 'application/pdf', 'tiny.pdf'],
  ] as const) {
    it(`storeAttachment, given ${label} as a buffer, round-trips it byte for byte`, async () => {
      const bytes = make();
      const stored = await storeAttachment({ owner: inspection(), fileName: name, buffer: bytes, uploadedBy: inspector });
      expect(stored).to.include({ contentType: type, size: bytes.length, sha256: sha256(bytes), fileName: name });
      const back = await readAll((await openAttachment(stored.id)).stream);
      expect(back.equals(bytes)).to.equal(true);
    });
  }

  it('storeAttachment, given a PNG named .jpg and declared image/jpeg, stores it as PNG under a .png name, the declared type recorded', async () => {
    const stored = await storeAttachment({ owner: inspection(), fileName: 'photo.jpg', declaredType: 'image/jpeg', buffer: pngFile(), uploadedBy: inspector });
    expect(stored).to.include({ contentType: 'image/png', fileName: 'photo.png' });
    expect((await Attachment.findById(stored.id).lean())?.declaredType).to.equal('image/jpeg');
  });

  it('storeAttachment records who uploaded it; listAttachments lists an owner\'s stored files oldest first, and no one else\'s', async () => {
    const owner = inspection();
    const userId = new Types.ObjectId();
    const first = await storeAttachment({ owner, fileName: 'a.pdf', buffer: pdfFile(), uploadedBy: { userId, username: 'li' } });
    const second = await storeAttachment({ owner, fileName: 'b.png', buffer: pngFile(), uploadedBy: inspector });
    await storeAttachment({ owner: inspection(), fileName: 'other.png', buffer: pngFile(), uploadedBy: inspector });
    await storeAttachment({ owner: { kind: 'plan', id: owner.id }, fileName: 'same-id-other-kind.png', buffer: pngFile(), uploadedBy: inspector });
    const listed = await listAttachments(owner);
    expect(listed.map((file) => file.id)).to.deep.equal([first.id, second.id]);
    expect(listed[0]?.uploadedBy).to.deep.equal({ userId: userId.toHexString(), username: 'li' });
    expect(listed[0]?.owner).to.deep.equal(owner);
    expect(listed[0]?.storedAt).to.be.instanceOf(Date);
  });

  it('openAttachment, given another owner, an unknown id or a malformed id, answers NotFoundError', async () => {
    const owner = inspection();
    const stored = await storeAttachment({ owner, fileName: 'a.pdf', buffer: pdfFile(), uploadedBy: inspector });
    expect((await openAttachment(stored.id, { owner })).id).to.equal(stored.id);
    const attempts = await Promise.all([
      openAttachment(stored.id, { owner: inspection() }),
      openAttachment(new Types.ObjectId().toHexString()),
      openAttachment('not-an-id'),
      openAttachment('{"$ne":null}'),
    ].map(failure));
    for (const error of attempts) expect(error).to.be.instanceOf(NotFoundError);
  });

  it('removeAttachment removes the file and its chunks for good; a second removal and a later open answer NotFoundError', async () => {
    const owner = inspection();
    const kept = await storeAttachment({ owner, fileName: 'keep.png', buffer: pngFile(), uploadedBy: inspector });
    const stored = await storeAttachment({ owner, fileName: 'a.pdf', buffer: pdfFile(CHUNK_BYTES * 2), uploadedBy: inspector });
    expect(await failure(removeAttachment(stored.id, { owner: inspection() }))).to.be.instanceOf(NotFoundError);
    const removed = await removeAttachment(stored.id, { owner });
    expect(removed).to.include({ id: stored.id, fileName: 'a.pdf' });
    expect(await Attachment.countDocuments({ _id: new Types.ObjectId(stored.id) })).to.equal(0);
    expect(await AttachmentChunk.countDocuments({ attachment: new Types.ObjectId(stored.id) })).to.equal(0);
    expect(await failure(removeAttachment(stored.id))).to.be.instanceOf(NotFoundError);
    expect(await failure(openAttachment(stored.id))).to.be.instanceOf(NotFoundError);
    expect((await listAttachments(owner)).map((file) => file.id)).to.deep.equal([kept.id]);
  });

  it('openAttachment, given a file whose stored bytes were altered, errors before the last chunk is delivered', async () => {
    const bytes = jpegFile(2 * CHUNK_BYTES + 100);
    const stored = await storeAttachment({ owner: inspection(), fileName: 'a.jpg', buffer: bytes, uploadedBy: inspector });
    const tampered = Buffer.from(bytes.subarray(CHUNK_BYTES, 2 * CHUNK_BYTES));
    tampered[1000] = (tampered[1000] ?? 0) ^ 0xff;
    await AttachmentChunk.updateOne({ _id: `${stored.id}:1` }, { $set: { data: tampered } });
    const { stream } = await openAttachment(stored.id);
    const received: Buffer[] = [];
    const error = await failure((async () => {
      for await (const piece of stream) received.push(piece as Buffer);
    })());
    expect(error?.message).to.match(/do not match/);
    expect(Buffer.concat(received).length, 'the last chunk is withheld').to.equal(2 * CHUNK_BYTES);
  });

  it('openAttachment, given a file with a chunk missing, errors instead of delivering a shorter file', async () => {
    const stored = await storeAttachment({ owner: inspection(), fileName: 'a.jpg', buffer: jpegFile(2 * CHUNK_BYTES + 100), uploadedBy: inspector });
    await AttachmentChunk.deleteOne({ _id: `${stored.id}:2` });
    const error = await failure(readAll((await openAttachment(stored.id)).stream));
    expect(error?.message).to.match(/chunk 2 is missing/);
  });
});

/** The bytes as a stream of `pieceBytes` pieces (as a network upload arrives). */
function chunked(bytes: Buffer, pieceBytes: number): AsyncIterable<Buffer> {
  return (async function* () {
    for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
  })();
}
