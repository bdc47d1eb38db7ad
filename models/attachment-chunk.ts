// AttachmentChunk: one slice of an attachment's bytes (server/attachments/, CHUNK_BYTES each,
// the last shorter). The _id is "<attachment id>:<n>", so a download reads each chunk by _id —
// the one lookup every server answers from an index (FerretDB 1.24 scans for any other field).
import mongoose, { Schema } from 'mongoose';

const attachmentChunkSchema = new Schema({
  _id: { type: String, required: true },
  attachment: { type: Schema.Types.ObjectId, ref: 'Attachment', required: true },
  n: { type: Number, required: true, min: 0 },
  data: { type: Buffer, required: true },
});
// Removal and the purge delete an attachment's chunks by this field.
attachmentChunkSchema.index({ attachment: 1 });

export function attachmentChunkId(attachmentId: string, n: number): string {
  return `${attachmentId}:${n}`;
}

export const AttachmentChunk = mongoose.model('AttachmentChunk', attachmentChunkSchema);
