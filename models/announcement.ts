// Announcement (抽查任务公告): the frozen ssj-draw/2 announcement of one draw of a task (one
// scheduled slot, one attempt), published before any random value exists. The canonical text is
// kept as published (its SHA-256 is the digest); the frozen pool and the inspector roster are
// kept in AnnouncementChunk documents (a few thousand entries each) so that no document nears
// MongoDB's 16 MB limit whatever the pool size. The commit–reveal secret is kept apart, in
// AnnouncementSecret, and shown only in the draw record once drawn.
// Write order (server/plans/announce.ts): chunks and secret first (keyed by the digest, so
// rewriting them is harmless), the Announcement last: its insert under the unique `key` is the
// one commit point, so a crash mid-freeze leaves no announcement, only unreferenced chunks.
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const announcementSchema = new Schema({
  /** "<task id>|<slot ISO>|<attempt>": one announcement per draw of a slot. */
  key: { type: String, required: true, maxlength: 120 },
  taskId: { type: Schema.Types.ObjectId, ref: 'Task', required: true },
  slot: { type: Date, required: true },
  /** 1 for the scheduled draw, n > 1 for the (n−1)-th approved redo. */
  attempt: { type: Number, required: true, min: 1 },
  /** When the draw may run: the slot, or for a redo its own later time (the drand round's). */
  drawAt: { type: Date, required: true },
  digest: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
  /** "ssj-announcement/2" LF canonical JSON: exactly what was published. */
  text: { type: String, required: true, multiline: true },
  poolChunks: { type: Number, required: true, min: 0 },
  rosterChunks: { type: Number, required: true, min: 0 },
  /**
   * Joint tasks (部门联合抽查): 'teams' announces one participating department's own inspector
   * draw for the entities the initiating department drew (run `entityRunKey`).
   */
  phase: { type: String, enum: ['entities', 'teams'], default: 'entities' },
  teamDepartment: { type: String, maxlength: 32 },
  entityRunKey: { type: String, maxlength: 120 },
  /** Per exclusion reason, with the entities left out before the pool (not in the conditions). */
  exclusions: { type: Schema.Types.Mixed, default: () => ({}) },
  announcedAt: { type: Date, required: true },
  announcedBy: { kind: { type: String }, userId: { type: Schema.Types.ObjectId }, label: { type: String, maxlength: 100 } },
  /** Set once the draw of this announcement is complete (the job stops looking at it). */
  drawnAt: { type: Date },
});
announcementSchema.index({ key: 1 }, { unique: true });
announcementSchema.index({ digest: 1 });
announcementSchema.index({ taskId: 1, slot: 1, attempt: 1 });
announcementSchema.index({ drawnAt: 1, drawAt: 1 });

const chunkSchema = new Schema({
  digest: { type: String, required: true },
  kind: { type: String, required: true, enum: ['pool', 'roster'] },
  seq: { type: Number, required: true, min: 0 },
  /** EntityInput (plus name) or InspectorInput objects, in the order they were read. */
  items: { type: [Schema.Types.Mixed], default: [] },
});
chunkSchema.index({ digest: 1, kind: 1, seq: 1 }, { unique: true });

const secretSchema = new Schema({
  digest: { type: String, required: true },
  commitment: { type: String, required: true },
  reveal: { type: String, required: true },
});
secretSchema.index({ digest: 1 }, { unique: true });

export type AnnouncementFields = InferSchemaType<typeof announcementSchema>;
export type AnnouncementRecord = AnnouncementFields & { _id: Types.ObjectId };
export const Announcement = mongoose.model('Announcement', announcementSchema);
export const AnnouncementChunk = mongoose.model('AnnouncementChunk', chunkSchema);
export const AnnouncementSecret = mongoose.model('AnnouncementSecret', secretSchema);
