// Attachment: the metadata of one file (photo, PDF) attached to an owner — any record named by
// `{ kind, id }`, e.g. an inspection's findings. Its bytes are AttachmentChunk documents.
// A file is visible only in state 'stored': it is inserted as 'storing' before its first chunk,
// passes 'checking' (the owner's total size, counted with every other file being checked) and
// becomes 'stored' last; 'removing' marks a removal under way. What a killed process leaves in
// the other states is deleted by the hourly purge. Each file holds one of its owner's numbered
// slots, claimed by the insert under a unique index: that is what bounds an owner's file count,
// even for uploads arriving together. Owned by server/attachments/ (nothing else writes it).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const ATTACHMENT_STATES = ['storing', 'checking', 'stored', 'removing'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const attachmentSchema = new Schema({
  owner: {
    /** What kind of record owns the file, e.g. 'inspection'. */
    kind: { type: String, required: true, match: /^[a-z][a-z0-9_-]{0,39}$/ },
    /** That record's id (as text). */
    id: { type: String, required: true, maxlength: 100 },
  },
  /** 0 ≤ slot < the owner's file limit, unique per owner (freed when the document goes). */
  slot: { type: Number, required: true, min: 0 },
  state: { type: String, enum: ATTACHMENT_STATES, required: true },
  /** The name shown and offered on download: sanitised, extension matching the content. */
  fileName: { type: String, required: true, maxlength: 255 },
  /** Detected from the content's first bytes; unknown until the first bytes arrived. */
  contentType: { type: String, enum: ATTACHMENT_TYPES },
  /** What the client said the type was (recorded, never trusted). */
  declaredType: { type: String, maxlength: 100 },
  size: { type: Number, min: 0 },
  sha256: { type: String, match: /^[0-9a-f]{64}$/ },
  /** Bytes per chunk (the last chunk may be shorter) and how many chunks there are. */
  chunkSize: { type: Number, required: true, min: 1 },
  chunkCount: { type: Number, min: 0 },
  uploadedBy: {
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    username: { type: String, required: true, maxlength: 100 },
  },
  /** When the upload began: what the purge measures abandoned uploads by. */
  startedAt: { type: Date, required: true },
  storedAt: { type: Date },
});
// The claim of a slot; also serves listing an owner's files and counting them.
attachmentSchema.index({ 'owner.kind': 1, 'owner.id': 1, slot: 1 }, { unique: true });
// The purge reads the files in the states a killed process can leave behind.
attachmentSchema.index({ state: 1, startedAt: 1 });

export type AttachmentFields = InferSchemaType<typeof attachmentSchema>;
export const Attachment = mongoose.model('Attachment', attachmentSchema);
