// Attachments over HTTP as the inspections routes will use them: a multipart upload read by
// server/http/multipart.ts is piped straight into storeAttachment, refusals answer with their
// code and status through the app's error handler, and sendAttachment serves the file intact
// with its headers (type from content, length, nosniff, disposition with the Chinese name,
// ETag = SHA-256, 304 on revalidation).
import { expect } from 'chai';
import express, { type Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { Attachment, AttachmentChunk } from '../../../models/index.js';
import {
  attachmentUploadLimits, openAttachment, sendAttachment, storeAttachment, type AttachmentLimits, type AttachmentOwner,
} from '../../../server/attachments/index.js';
import { withUploadedFile } from '../../../server/http/multipart.js';
import { errorHandler } from '../../../server/middleware/error-handler.js';
import { DISGUISED, jpegFile, pdfFile, pngFile, sha256 } from '../../helpers/sample-attachments.js';

const MiB = 1024 * 1024;

/** The two routes the inspections feature will have (without its access checks). */
function attachmentsApp(limits: AttachmentLimits): Express {
  const app = express();
  app.post('/owners/:id/attachments', async (req, res) => {
    const owner: AttachmentOwner = { kind: 'inspection', id: req.params.id };
    const stored = await withUploadedFile(req, 'file', attachmentUploadLimits(limits), ({ fileName, stream }) =>
      storeAttachment({ owner, fileName, stream, uploadedBy: { username: 'inspector-li' } }, { limits }),
    );
    res.status(201).json(stored);
  });
  app.get('/owners/:id/attachments/:file', async (req, res) =>
    sendAttachment(req, res, await openAttachment(req.params.file, { owner: { kind: 'inspection', id: req.params.id } }), {
      disposition: req.query.download === '1' ? 'attachment' : 'inline',
    }));
  app.use(errorHandler({ showDetails: false }));
  return app;
}

const limits: AttachmentLimits = { maxFileBytes: 2 * MiB, maxFilesPerOwner: 5, maxBytesPerOwner: 10 * MiB };

/** supertest's response body as raw bytes. */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const pieces: Buffer[] = [];
  res.on('data', (piece: Buffer) => pieces.push(piece));
  res.on('end', () => callback(null, Buffer.concat(pieces)));
}

describe('attachments over HTTP (multipart upload → storeAttachment, sendAttachment)', () => {
  let app: Express;
  let ownerId: string;
  beforeEach(() => {
    app = attachmentsApp(limits);
    ownerId = new Types.ObjectId().toHexString();
  });

  it('POST of a JPEG with a Chinese name stores it; GET returns the same bytes with type, length, nosniff, inline disposition and the SHA-256 as ETag', async () => {
    const bytes = jpegFile(700 * 1024);
    const posted = await request(app).post(`/owners/${ownerId}/attachments`).attach('file', bytes, { filename: '现场照片.jpg', contentType: 'image/jpeg' });
    expect(posted.status, posted.text).to.equal(201);
    expect(posted.body).to.include({ fileName: '现场照片.jpg', contentType: 'image/jpeg', size: bytes.length, sha256: sha256(bytes) });

    const got = await request(app).get(`/owners/${ownerId}/attachments/${posted.body.id}`).buffer(true).parse(binary);
    expect(got.status).to.equal(200);
    expect(sha256(got.body as Buffer)).to.equal(sha256(bytes));
    expect(got.headers).to.include({
      'content-type': 'image/jpeg',
      'content-length': String(bytes.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': "inline; filename=\"attachment.jpg\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg",
      etag: `"${sha256(bytes)}"`,
      'cache-control': 'private, no-cache',
    });
    expect(got.headers['content-security-policy']).to.include('sandbox');
  });

  it('GET of a PDF with download=1 answers Content-Disposition attachment; If-None-Match with its ETag answers 304 without a body; HEAD answers headers only', async () => {
    const bytes = pdfFile(300 * 1024);
    const stored = await storeAttachment({ owner: { kind: 'inspection', id: ownerId }, fileName: '检查记录.pdf', buffer: bytes, uploadedBy: { username: 'li' } });
    const url = `/owners/${ownerId}/attachments/${stored.id}`;
    const download = await request(app).get(`${url}?download=1`).buffer(true).parse(binary);
    expect(download.headers['content-disposition']).to.match(/^attachment; filename="attachment\.pdf"; filename\*=UTF-8''/);
    expect(download.headers['content-type']).to.equal('application/pdf');
    expect((download.body as Buffer).equals(bytes)).to.equal(true);
    const inline = await request(app).get(url).buffer(true).parse(binary);
    expect(inline.headers['content-security-policy'], 'a PDF keeps the app\'s policy: browsers do not render PDFs sandboxed').to.equal(undefined);

    const revalidated = await request(app).get(url).set('If-None-Match', `W/"x", "${stored.sha256}"`);
    expect(revalidated.status).to.equal(304);
    expect(revalidated.text ?? '').to.equal('');
    const head = await request(app).head(url);
    expect([head.status, head.headers['content-length'], head.headers.etag]).to.deep.equal([200, String(bytes.length), `"${stored.sha256}"`]);
  });

  it('GET of another owner\'s file or an unknown id answers 404', async () => {
    const stored = await storeAttachment({ owner: { kind: 'inspection', id: ownerId }, fileName: 'a.png', buffer: pngFile(), uploadedBy: { username: 'li' } });
    const otherOwner = new Types.ObjectId().toHexString();
    await request(app).get(`/owners/${otherOwner}/attachments/${stored.id}`).set('Accept', 'application/json').expect(404);
    await request(app).get(`/owners/${ownerId}/attachments/${new Types.ObjectId().toHexString()}`).set('Accept', 'application/json').expect(404);
  });

  it('POST of an EXE named .jpg answers 415 attachment_type with the accepted formats, and stores nothing', async () => {
    const res = await request(app).post(`/owners/${ownerId}/attachments`).set('Accept', 'application/json').attach('file', DISGUISED.exe, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(res.status).to.equal(415);
    expect(res.body.error.code).to.equal('attachment_type');
    expect(res.body.error.message).to.include('JPEG、PNG、WebP、PDF');
    expect(await Attachment.countDocuments({})).to.equal(0);
  });

  it('POST of a file of exactly the limit stores it; one byte over answers 413 attachment_too_large (not the reader\'s generic 413), and stores nothing', async () => {
    const exact = await request(app).post(`/owners/${ownerId}/attachments`).set('Accept', 'application/json').attach('file', jpegFile(2 * MiB), 'exact.jpg');
    expect([exact.status, exact.body.size]).to.deep.equal([201, 2 * MiB]);
    await Attachment.deleteMany({});
    await AttachmentChunk.deleteMany({});
    const res = await request(app).post(`/owners/${ownerId}/attachments`).set('Accept', 'application/json').attach('file', jpegFile(2 * MiB + 1), 'big.jpg');
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('attachment_too_large');
    expect(res.body.error.message).to.include('2 MB');
    expect(await Attachment.countDocuments({})).to.equal(0);
    expect(await AttachmentChunk.countDocuments({})).to.equal(0);
  });

  it('POST of an empty file answers 422 attachment_empty', async () => {
    const res = await request(app).post(`/owners/${ownerId}/attachments`).set('Accept', 'application/json').attach('file', Buffer.alloc(0), 'empty.pdf');
    expect([res.status, res.body.error.code]).to.deep.equal([422, 'attachment_empty']);
  });

  it('a download whose stored bytes were altered is cut short (the client never gets Content-Length bytes)', async () => {
    const bytes = jpegFile(600 * 1024);
    const stored = await storeAttachment({ owner: { kind: 'inspection', id: ownerId }, fileName: 'a.jpg', buffer: bytes, uploadedBy: { username: 'li' } });
    const last = await AttachmentChunk.findById(`${stored.id}:2`).lean();
    const data = Buffer.from((last!.data as unknown as { buffer: Uint8Array }).buffer);
    data[0] = (data[0] ?? 0) ^ 0xff;
    await AttachmentChunk.updateOne({ _id: `${stored.id}:2` }, { $set: { data } });
    const outcome = await request(app).get(`/owners/${ownerId}/attachments/${stored.id}`).buffer(true).parse(binary).then(
      (res) => ({ complete: (res.body as Buffer).length === bytes.length }),
      (error: Error) => ({ error: error.message }),
    );
    expect(outcome).to.not.deep.equal({ complete: true });
  });
});
