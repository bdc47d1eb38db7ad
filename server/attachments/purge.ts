// Owns the hourly clean-up of attachments (the `purge-attachments` job in jobs/index.ts):
// uploads a killed process left unfinished ('storing' or 'checking' for longer than
// ABANDONED_AFTER_MS) and removals it left half-done ('removing', any age) are deleted —
// their chunks first, then their document, so a purge killed half-way is finished by the next.
import mongoose, { type Types } from 'mongoose';
import { Attachment } from '../../models/attachment.js';
import { ABANDONED_AFTER_MS, deleteAttachmentDocuments } from './store.js';

export interface AttachmentPurgeOutcome {
  /** Unfinished uploads deleted. */
  abandoned: number;
  /** Half-done removals finished. */
  removals: number;
}

export async function purgeAttachments(now = new Date()): Promise<AttachmentPurgeOutcome> {
  const abandoned = await Attachment.find({
    state: mongoose.trusted({ $in: ['storing', 'checking'] }),
    startedAt: mongoose.trusted({ $lt: new Date(now.getTime() - ABANDONED_AFTER_MS) }),
  }).select('_id').lean<{ _id: Types.ObjectId }[]>();
  const removals = await Attachment.find({ state: 'removing' }).select('_id').lean<{ _id: Types.ObjectId }[]>();
  for (const { _id } of [...abandoned, ...removals]) await deleteAttachmentDocuments(_id);
  return { abandoned: abandoned.length, removals: removals.length };
}
