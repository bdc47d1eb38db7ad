// Owns storing an attachment: the bytes are streamed into CHUNK_BYTES chunk documents while
// their size is counted and their SHA-256 computed (never more than a chunk and a piece in
// memory), the type is judged from the first bytes, and the limits are enforced as the bytes
// arrive. The file becomes visible only at the end, in one update ('checking' → 'stored').
//
// Owner limits: the file count is exact — the document claims a free slot of its owner under a
// unique index when it is inserted (a stale upload holds its slot until purged). The total
// size is checked with the file in state 'checking' and every other file being checked
// counted too: of uploads finishing at the same moment that together pass the limit, all may
// be refused, but the owner's files never exceed it.
//
// Crash safety: the Attachment document is inserted ('storing') before the first chunk, so a
// refused or failed upload deletes what it wrote at once, and a process killed half-way leaves
// an invisible 'storing' document that names its chunks; purge.ts deletes both once older than
// ABANDONED_AFTER_MS. An upload still running after MAX_UPLOAD_MS gives up by itself, so the
// purge never deletes a live upload's chunks from under it.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import { Attachment, type AttachmentState, type AttachmentType } from '../../models/attachment.js';
import { AttachmentChunk, attachmentChunkId } from '../../models/attachment-chunk.js';
import { isDuplicateKeyError, PayloadTooLargeError } from '../errors.js';
import { attachmentErrors } from './errors.js';
import { sanitiseFileName } from './file-name.js';
import { detectAttachmentType, SNIFF_BYTES } from './file-type.js';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from './limits.js';
import { assertOwner, toInfo, type AttachmentInfo, type AttachmentOwner, type AttachmentRecord } from './types.js';

/** GridFS's default: well under the 16 MB document limit of every server, few round trips. */
export const CHUNK_BYTES = 255 * 1024;
/** An upload still running after this long gives up (attachment_timeout). */
export const MAX_UPLOAD_MS = 30 * 60_000;
/** Unfinished uploads older than this are abandoned: purge.ts deletes them. */
export const ABANDONED_AFTER_MS = 2 * MAX_UPLOAD_MS;

export interface StoreAttachmentInput {
  owner: AttachmentOwner;
  /** The name the client gave (sanitised before it is stored). */
  fileName: string;
  /** The type the client declared (recorded; the content decides). */
  declaredType?: string;
  /** The bytes: a stream (e.g. a multipart file) or, for small files made in code, a buffer. */
  stream?: Readable | AsyncIterable<Uint8Array>;
  buffer?: Uint8Array;
  uploadedBy: { userId?: string | Types.ObjectId; username: string };
}

export interface StoreAttachmentOptions {
  limits?: AttachmentLimits;
  /** Defaults to the wall clock. */
  now?: () => Date;
}

/**
 * Stores one file for `owner` and returns what is now visible. Throws AttachmentError with
 * attachment_type, attachment_too_large, attachment_empty, attachment_too_many,
 * attachment_quota or attachment_timeout; an error of the stream itself is rethrown as it
 * came. In every failure nothing is left visible, and what was written is deleted.
 */
export async function storeAttachment(input: StoreAttachmentInput, options: StoreAttachmentOptions = {}): Promise<AttachmentInfo> {
  const limits = options.limits ?? DEFAULT_ATTACHMENT_LIMITS;
  const now = options.now ?? (() => new Date());
  assertOwner(input.owner);
  const source = bytesOf(input);
  let room: number;
  try {
    room = await roomLeft(input.owner, limits);
  } catch (error) {
    destroy(source);
    throw error;
  }
  const writer = new ChunkWriter(input, limits, now);
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const piece of source) {
      const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      size += bytes.length;
      if (size > limits.maxFileBytes) throw attachmentErrors.tooLarge(limits.maxFileBytes);
      if (size > room) throw attachmentErrors.quota(limits.maxBytesPerOwner);
      hash.update(bytes);
      await writer.add(bytes);
    }
    if (size === 0) throw attachmentErrors.empty();
    const record = await writer.finish(size, hash.digest('hex'));
    return toInfo(record);
  } catch (error) {
    // Leaving the loop by a throw has already destroyed the source (the iterator's return()).
    await writer.discard();
    // The multipart reader's own limit (attachmentUploadLimits) is this file limit too.
    if (error instanceof PayloadTooLargeError) throw attachmentErrors.tooLarge(limits.maxFileBytes);
    throw error;
  }
}

function bytesOf(input: StoreAttachmentInput): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (input.buffer && input.stream) throw new TypeError('storeAttachment takes a stream or a buffer, not both');
  if (input.buffer) return [input.buffer];
  if (input.stream) return input.stream;
  throw new TypeError('storeAttachment needs a stream or a buffer');
}

function destroy(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): void {
  const stream = source as Partial<Readable>;
  if (typeof stream.destroy === 'function') stream.destroy();
}

/** Bytes the owner may still add; refuses at once when every slot is held or no byte is left. */
async function roomLeft(owner: AttachmentOwner, limits: AttachmentLimits): Promise<number> {
  const files = await Attachment.find({ 'owner.kind': owner.kind, 'owner.id': owner.id }).select('state size').lean<{ state: AttachmentState; size?: number }[]>();
  if (files.length >= limits.maxFilesPerOwner) throw attachmentErrors.tooMany(limits.maxFilesPerOwner);
  const bytes = files.reduce((sum, file) => sum + (file.state === 'stored' ? (file.size ?? 0) : 0), 0);
  if (bytes >= limits.maxBytesPerOwner) throw attachmentErrors.quota(limits.maxBytesPerOwner);
  return limits.maxBytesPerOwner - bytes;
}

/** Bytes of the owner's files in `states`, together. */
async function ownerBytes(owner: AttachmentOwner, states: AttachmentState[]): Promise<number> {
  const files = await Attachment.find({ 'owner.kind': owner.kind, 'owner.id': owner.id, state: mongoose.trusted({ $in: states }) })
    .select('size')
    .lean<{ size?: number }[]>();
  return files.reduce((sum, file) => sum + (file.size ?? 0), 0);
}

/** Cuts the bytes into chunks and writes them, the Attachment document first. */
class ChunkWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private type: AttachmentType | undefined;
  private id: Types.ObjectId | undefined;
  private count = 0;
  private readonly deadline: number;

  constructor(private readonly input: StoreAttachmentInput, private readonly limits: AttachmentLimits, private readonly now: () => Date) {
    this.deadline = now().getTime() + MAX_UPLOAD_MS;
  }

  async add(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (!this.type) {
      if (this.pendingBytes < SNIFF_BYTES) return;
      this.sniff();
    }
    while (this.pendingBytes >= CHUNK_BYTES) await this.write(this.take(CHUNK_BYTES));
  }

  /** Writes the last chunk, then checks the owner's total size with the file counted and shows it. */
  async finish(size: number, sha256: string): Promise<AttachmentRecord> {
    if (!this.type) this.sniff(); // a file shorter than SNIFF_BYTES
    if (this.pendingBytes > 0) await this.write(this.take(this.pendingBytes));
    this.checkDeadline();
    const id = this.id as Types.ObjectId;
    const checking = await Attachment.updateOne({ _id: id, state: 'storing' }, { $set: { state: 'checking', size, sha256, chunkCount: this.count } });
    if (checking.matchedCount !== 1) throw new Error(`attachment ${id.toHexString()} was purged before it was complete`);
    if ((await ownerBytes(this.input.owner, ['checking', 'stored'])) > this.limits.maxBytesPerOwner) throw attachmentErrors.quota(this.limits.maxBytesPerOwner);
    const storedAt = this.now();
    await Attachment.updateOne({ _id: id, state: 'checking' }, { $set: { state: 'stored', storedAt } });
    const record = await Attachment.findById(id).lean<AttachmentRecord>();
    if (!record) throw new Error(`attachment ${id.toHexString()} vanished as it was stored`);
    return record;
  }

  /** Deletes whatever was written. A failure here (database gone) is left to the purge. */
  async discard(): Promise<void> {
    if (!this.id) return;
    const id = this.id;
    this.id = undefined;
    try {
      await deleteAttachmentDocuments(id);
    } catch {
      // The document is still there in an invisible state: purge.ts removes it later.
    }
  }

  private sniff(): void {
    const head = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.type = detectAttachmentType(head.subarray(0, SNIFF_BYTES));
    if (!this.type) throw attachmentErrors.type();
  }

  private take(length: number): Buffer {
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    const rest = all.subarray(length);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return all.subarray(0, length);
  }

  private checkDeadline(): void {
    if (this.now().getTime() > this.deadline) throw attachmentErrors.timeout(MAX_UPLOAD_MS / 60_000);
  }

  private async write(data: Buffer): Promise<void> {
    this.checkDeadline();
    const id = (this.id ??= await this.insertDocument());
    await AttachmentChunk.create({ _id: attachmentChunkId(id.toHexString(), this.count), attachment: id, n: this.count, data });
    this.count += 1;
  }

  /** Inserts the document in the first free slot of its owner (another upload may take it first: then the next). */
  private async insertDocument(): Promise<Types.ObjectId> {
    const { owner } = this.input;
    const max = this.limits.maxFilesPerOwner;
    for (let attempt = 0; attempt <= max; attempt += 1) {
      const taken = await Attachment.find({ 'owner.kind': owner.kind, 'owner.id': owner.id }).select('slot').lean<{ slot: number }[]>();
      const used = new Set(taken.map((file) => file.slot));
      const slot = Array.from({ length: max }, (_, i) => i).find((i) => !used.has(i));
      if (slot === undefined) throw attachmentErrors.tooMany(max);
      try {
        return (await Attachment.create(this.documentFields(slot)))._id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw attachmentErrors.tooMany(max);
  }

  private documentFields(slot: number) {
    const { owner, fileName, declaredType, uploadedBy } = this.input;
    const type = this.type as AttachmentType;
    return {
      owner: { kind: owner.kind, id: owner.id },
      slot,
      state: 'storing' as const,
      fileName: sanitiseFileName(fileName, type),
      contentType: type,
      ...(declaredType ? { declaredType: sanitiseDeclaredType(declaredType) } : {}),
      chunkSize: CHUNK_BYTES,
      uploadedBy: { ...(uploadedBy.userId ? { userId: uploadedBy.userId } : {}), username: uploadedBy.username.slice(0, 100) },
      startedAt: this.now(),
    };
  }
}

/** A declared MIME type as recorded: printable ASCII, bounded. */
function sanitiseDeclaredType(declared: string): string {
  return declared.replace(/[^\x21-\x7e]/g, '').slice(0, 100);
}

/** Deletes an attachment's chunks, then its document (in this order: no chunk is ever orphaned). */
export async function deleteAttachmentDocuments(id: Types.ObjectId): Promise<void> {
  await AttachmentChunk.deleteMany({ attachment: id });
  await Attachment.deleteOne({ _id: id });
}
