// The last check of an announcement's declared sources that found it could not be drawn yet
// (DrawCheck): when the draw job or a supervisor's "draw now" asked, and per source its state
// and a reason code (server/plans/source-checks.ts). The task page reads it to say why a draw
// waits — a relay that cannot be reached or serves a bad signature is known only to whoever
// fetched — and the job compares with it so that it warns once per change, not every run.
// One document per announcement, replaced on every check; server/plans/ owns it.
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const checkedSourceSchema = new Schema({
  /** The declared source's index; -1 is the committed secret. */
  index: { type: Number, required: true },
  type: { type: String, required: true, enum: ['drand', 'lottery', 'commitment'] },
  state: { type: String, required: true, enum: ['ready', 'waiting', 'invalid', 'mismatch', 'unreachable'] },
  /** A reason code; pages show it through the catalogue key drawCheck.reason.<code>. */
  code: { type: String, required: true, maxlength: 60 },
  /** The engine's words (relay answers and the like), for the log and operators — never shown on a page. */
  detail: { type: String, maxlength: 2000, default: '' },
}, { _id: false });

const drawCheckSchema = new Schema({
  announcementId: { type: Schema.Types.ObjectId, required: true },
  taskId: { type: Schema.Types.ObjectId, required: true },
  /** The announcement's key "<task>|<slot>|<attempt>". */
  key: { type: String, required: true, maxlength: 120 },
  trigger: { type: String, required: true, enum: ['schedule', 'request', 'catch-up'] },
  /** When the sources were checked. */
  at: { type: Date, required: true },
  /** When the sources' states and codes last differed from the check before (equals `at` on a change). */
  changedAt: { type: Date, required: true },
  sources: { type: [checkedSourceSchema], default: [] },
});
drawCheckSchema.index({ announcementId: 1 }, { unique: true });
// The draw job looks its waiting announcements up by key.
drawCheckSchema.index({ key: 1 });

export type DrawCheckFields = InferSchemaType<typeof drawCheckSchema>;
export type DrawCheckRecord = DrawCheckFields & { _id: Types.ObjectId };
export const DrawCheck = mongoose.model('DrawCheck', drawCheckSchema);
