// Owns reading and removing stored attachments. Only files in state 'stored' exist for these
// functions; a download re-checks what it streams (each chunk's length, the total and the
// SHA-256) and withholds the last chunk until the whole file has matched, so a damaged file
// ends in a truncated response (its Content-Length unmet), never in wrong bytes delivered whole.
//
// Removal is hard: the file is marked 'removing' (invisible from that moment), its chunks are
// deleted, then its document. A process killed in between leaves a 'removing' document that
// the hourly purge finishes. The caller records who removed what (e.g. an audit event) and
// decides when removal is allowed (the inspections domain: only before submission).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import { Attachment } from '../../models/attachment.js';
import { AttachmentChunk, attachmentChunkId } from '../../models/attachment-chunk.js';
import { NotFoundError } from '../errors.js';
import { deleteAttachmentDocuments } from './store.js';
import { assertOwner, toInfo, type AttachmentInfo, type AttachmentOwner, type AttachmentRecord } from './types.js';

export interface OpenedAttachment extends AttachmentInfo {
  /** The bytes, read chunk by chunk as they are consumed. Destroy it when not read to the end. */
  stream: Readable;
}

export interface AttachmentLookup {
  /** When given, a file of another owner is "not found" (so a route cannot serve another record's file). */
  owner?: AttachmentOwner;
}

/** The stored file `id` with a stream of its bytes; NotFoundError when there is none. */
export async function openAttachment(id: string, lookup: AttachmentLookup = {}): Promise<OpenedAttachment> {
  const record = await findStored(id, lookup);
  return { ...toInfo(record), stream: Readable.from(readChunks(record), { objectMode: false }) };
}

/** The stored files of `owner`, oldest first. */
export async function listAttachments(owner: AttachmentOwner): Promise<AttachmentInfo[]> {
  assertOwner(owner);
  const records = await Attachment.find({ 'owner.kind': owner.kind, 'owner.id': owner.id, state: 'stored' })
    .sort({ storedAt: 1, _id: 1 })
    .lean<AttachmentRecord[]>();
  return records.map(toInfo);
}

/** Removes the stored file `id` for good and returns what it was; NotFoundError when there is none. */
export async function removeAttachment(id: string, lookup: AttachmentLookup = {}): Promise<AttachmentInfo> {
  const record = await findStored(id, lookup);
  const marked = await Attachment.updateOne({ _id: record._id, state: 'stored' }, { $set: { state: 'removing' } });
  if (marked.matchedCount !== 1) throw notFound(id);
  await deleteAttachmentDocuments(record._id);
  return toInfo(record);
}

async function findStored(id: string, lookup: AttachmentLookup): Promise<AttachmentRecord> {
  if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) throw notFound(id);
  if (lookup.owner) assertOwner(lookup.owner);
  const filter = {
    _id: new Types.ObjectId(id),
    state: 'stored' as const,
    ...(lookup.owner ? { 'owner.kind': lookup.owner.kind, 'owner.id': lookup.owner.id } : {}),
  };
  const record = await Attachment.findOne(filter).lean<AttachmentRecord>();
  if (!record) throw notFound(id);
  return record;
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No attachment ${id.slice(0, 40)}.`);
}

/** The chunks in order, each fetched by _id when the previous one is consumed. */
async function* readChunks(record: AttachmentRecord): AsyncGenerator<Buffer> {
  const id = record._id.toHexString();
  const hash = createHash('sha256');
  let total = 0;
  for (let n = 0; n < record.chunkCount; n += 1) {
    const chunk = await AttachmentChunk.findById(attachmentChunkId(id, n)).lean<{ data: unknown }>();
    const data = chunk ? asBuffer(chunk.data) : undefined;
    const last = n === record.chunkCount - 1;
    if (!data || (last ? data.length < 1 || data.length > record.chunkSize : data.length !== record.chunkSize)) {
      throw new Error(`attachment ${id}: chunk ${n} is missing or has the wrong length`);
    }
    total += data.length;
    hash.update(data);
    if (last && (total !== record.size || hash.digest('hex') !== record.sha256)) {
      throw new Error(`attachment ${id}: the stored bytes do not match their size or SHA-256`);
    }
    yield data;
  }
}

/** A BSON binary as the driver hands it back (lean reads skip Mongoose's Buffer casting). */
function asBuffer(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof mongoose.mongo.Binary) return Buffer.from(data.buffer.buffer, data.buffer.byteOffset, data.position);
  return undefined;
}
