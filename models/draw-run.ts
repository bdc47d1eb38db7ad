// The draw side of a task: the values obtained for declared sources (SourceValue, LotteryEntry),
// the draw itself (DrawRun, claimed by inserting under its unique key — exactly once across
// instances), its drawn list (DrawnEntity, one row per selected or alternate entity, written
// idempotently under deterministic ids) and redo requests (RedoRequest). server/plans/ owns them.
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const actor = { kind: { type: String }, userId: { type: Schema.Types.ObjectId }, label: { type: String, maxlength: 100 } };

/** A verified value of a declared source (drand round) — or the agreed lottery result. */
const sourceValueSchema = new Schema({
  /** "<announcement id>|<phase>|<index>". */
  key: { type: String, required: true, maxlength: 120 },
  announcementId: { type: Schema.Types.ObjectId, required: true },
  value: { type: Schema.Types.Mixed, required: true },
  relay: { type: String, maxlength: 300 },
  at: { type: Date, required: true },
});
sourceValueSchema.index({ key: 1 }, { unique: true });

/** One user's independent entry of a lottery result; a withdrawn entry stays, marked. */
const lotteryEntrySchema = new Schema({
  announcementId: { type: Schema.Types.ObjectId, required: true },
  phase: { type: String, required: true, enum: ['entities', 'inspectors'] },
  index: { type: Number, required: true, min: 0 },
  userId: { type: Schema.Types.ObjectId, required: true },
  label: { type: String, required: true, maxlength: 100 },
  text: { type: String, required: true, maxlength: 200 },
  at: { type: Date, required: true },
  withdrawnAt: { type: Date },
  withdrawnBy: actor,
  withdrawReason: { type: String, maxlength: 500 },
});
lotteryEntrySchema.index({ announcementId: 1, phase: 1, index: 1 });

const drawRunSchema = new Schema({
  /** "<task id>|<slot ISO>|<attempt>", the announcement's key: the claim. */
  key: { type: String, required: true, maxlength: 120 },
  taskId: { type: Schema.Types.ObjectId, required: true },
  announcementId: { type: Schema.Types.ObjectId, required: true },
  announcementDigest: { type: String, required: true },
  slot: { type: Date, required: true },
  attempt: { type: Number, required: true, min: 1 },
  state: { type: String, required: true, enum: ['drawing', 'complete', 'failed'] },
  /**
   * RecordRandomness (DRAW-SPEC §14.4) as JSON text, fixed at the claim so that the record is
   * deterministic. Text, because FerretDB stores no nested arrays (a lottery result is one).
   */
  randomness: { type: String, required: true },
  trigger: { type: String, enum: ['schedule', 'request', 'catch-up', 'recovery'] },
  claimedBy: { host: String, pid: Number, ...actor },
  claimedAt: { type: Date, required: true },
  /** The record without input and selected lists (those are the pool chunks and DrawnEntity). */
  summary: { type: Schema.Types.Mixed },
  /** SHA-256 of the full record's canonical JSON, recomputable by anyone. */
  recordSha256: { type: String },
  failure: { code: String, message: String },
  completedAt: { type: Date },
  /** Set when a later approved redo of the same slot completed; this draw stays visible. */
  supersededBy: { type: String },
  lockedAt: { type: Date },
  lockedBy: actor,
  dispatchedAt: { type: Date },
  dispatchedTo: { type: [String], default: undefined },
});
drawRunSchema.index({ key: 1 }, { unique: true });
drawRunSchema.index({ taskId: 1, slot: 1, attempt: 1 });
drawRunSchema.index({ state: 1, claimedAt: 1 });

const drawnEntitySchema = new Schema({
  /** "<run key>|<credit code>": deterministic, so rewriting after a crash inserts nothing twice. */
  _id: { type: String },
  runKey: { type: String, required: true },
  taskId: { type: Schema.Types.ObjectId, required: true },
  departmentCode: { type: String, required: true },
  inspectionType: { type: String, required: true },
  year: { type: Number, required: true },
  drawnOn: { type: String, required: true },
  creditCode: { type: String, required: true },
  name: { type: String, default: '' },
  stratumId: { type: String, required: true },
  /** 'team': a participating department's team for an entity of a joint task (not a draw of it). */
  role: { type: String, required: true, enum: ['selected', 'alternate', 'team'] },
  order: { type: Number, required: true },
  team: { type: [String], default: [] },
  superseded: { type: Boolean, default: false },
  /** Set when the entity's visits by several departments are merged (综合查一次): counts once. */
  jointVisit: { type: String },
});
drawnEntitySchema.index({ runKey: 1, role: 1, order: 1 });
drawnEntitySchema.index({ year: 1, creditCode: 1 });
drawnEntitySchema.index({ drawnOn: 1, creditCode: 1 });

const redoRequestSchema = new Schema({
  /** "<task id>|<slot ISO>|<new attempt>": one request per attempt. */
  key: { type: String, required: true, maxlength: 120 },
  taskId: { type: Schema.Types.ObjectId, required: true },
  slot: { type: Date, required: true },
  attempt: { type: Number, required: true, min: 2 },
  reason: { type: String, required: true, trim: true, minlength: 1, maxlength: 2000, multiline: true },
  requestedBy: actor,
  requestedAt: { type: Date, required: true },
  approvedBy: actor,
  approvedAt: { type: Date },
});
redoRequestSchema.index({ key: 1 }, { unique: true });
// A task's page lists its redo requests (server/plans/pages-support.ts).
redoRequestSchema.index({ taskId: 1, requestedAt: 1 });

export type DrawRunFields = InferSchemaType<typeof drawRunSchema>;
export type DrawRunRecord = DrawRunFields & { _id: Types.ObjectId };
export const SourceValue = mongoose.model('SourceValue', sourceValueSchema);
export const LotteryEntry = mongoose.model('LotteryEntry', lotteryEntrySchema);
export const DrawRun = mongoose.model('DrawRun', drawRunSchema);
export const DrawnEntity = mongoose.model('DrawnEntity', drawnEntitySchema);
export const RedoRequest = mongoose.model('RedoRequest', redoRequestSchema);
