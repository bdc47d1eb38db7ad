// The shapes the attachments API hands out: who owns a file, and what is known about it.
import type { Types } from 'mongoose';
import type { AttachmentType } from '../../models/attachment.js';

/** The record a file belongs to, e.g. `{ kind: 'inspection', id: '665f…' }`. */
export interface AttachmentOwner {
  kind: string;
  id: string;
}

export interface AttachmentInfo {
  id: string;
  owner: AttachmentOwner;
  /** Sanitised display name, its extension matching the content. */
  fileName: string;
  /** Detected from the content (never the declared type). */
  contentType: AttachmentType;
  size: number;
  /** Hex SHA-256 of the bytes, computed while they were stored; also the download's ETag. */
  sha256: string;
  uploadedBy: { userId?: string; username: string };
  storedAt: Date;
}

/** A stored Attachment document as read (lean). */
export interface AttachmentRecord {
  _id: Types.ObjectId;
  owner: AttachmentOwner;
  state: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
  sha256: string;
  chunkSize: number;
  chunkCount: number;
  uploadedBy: { userId?: Types.ObjectId; username: string };
  storedAt: Date;
}

export function toInfo(record: AttachmentRecord): AttachmentInfo {
  return {
    id: record._id.toHexString(),
    owner: { kind: record.owner.kind, id: record.owner.id },
    fileName: record.fileName,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    uploadedBy: { ...(record.uploadedBy.userId ? { userId: record.uploadedBy.userId.toHexString() } : {}), username: record.uploadedBy.username },
    storedAt: record.storedAt,
  };
}

const OWNER_KIND = /^[a-z][a-z0-9_-]{0,39}$/;

/** Owners come from the calling domain code, never from a request: a bad one is a programming error. */
export function assertOwner(owner: AttachmentOwner): void {
  if (!OWNER_KIND.test(owner.kind) || typeof owner.id !== 'string' || owner.id === '' || owner.id.length > 100) {
    throw new TypeError(`invalid attachment owner ${JSON.stringify(owner)}`);
  }
}
