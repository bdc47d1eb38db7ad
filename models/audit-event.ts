// AuditEvent: an append-only record of who changed what, shared by every feature (user
// management today; rosters, draws, reviews later). Before/after hold short summaries of the
// changed fields only — never secrets such as password hashes. The entries form a hash chain
// (seq, prevHash, hash): server/audit/chain.ts appends (recordAudit, the one way to write an
// entry) and server/audit/verify-chain.ts checks it. Nothing updates or deletes an entry.
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const actorSchema = new Schema(
  {
    /** 'user' for a signed-in person, 'cli' for a command-line script, 'system' for jobs. */
    kind: { type: String, required: true, enum: ['user', 'cli', 'system'] },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    /** Username or script name, kept so the record stays readable after the user is gone. */
    label: { type: String, required: true, maxlength: 100 },
  },
  { _id: false },
);

const targetSchema = new Schema(
  {
    /** Model-like name: 'user', 'inspector', 'draw', … */
    type: { type: String, required: true, maxlength: 50 },
    id: { type: String, required: true, maxlength: 100 },
    label: { type: String, maxlength: 200 },
  },
  { _id: false },
);

const auditEventSchema = new Schema({
  actor: { type: actorSchema, required: true },
  /** Dotted verb, e.g. 'user.create', 'user.disable', 'account.password_change'. */
  action: { type: String, required: true, maxlength: 100 },
  target: { type: targetSchema, required: true },
  before: { type: Schema.Types.Mixed },
  after: { type: Schema.Types.Mixed },
  at: { type: Date, required: true, default: () => new Date() },
  requestId: { type: String, maxlength: 64 },
  /** Place in the chain: 1, 2, 3 … with no gap (absent only on events older than the chain). */
  seq: { type: Number },
  /** `hash` of the entry seq − 1 (64 zeros for the first). */
  prevHash: { type: String },
  /** SHA-256 of the entry's canonical form, prevHash included (server/audit/canonical.ts). */
  hash: { type: String },
});
auditEventSchema.index({ 'target.type': 1, 'target.id': 1, at: -1 });
auditEventSchema.index({ at: -1 });
// The unique index decides which of several concurrent appenders gets a number (sparse: events
// written before the chain have none until start-up chains them).
auditEventSchema.index({ seq: 1 }, { unique: true, sparse: true });
// The entries of one action, newest first (server/audit/entries.ts).
auditEventSchema.index({ action: 1, seq: -1 });
// Events without a number, oldest first (start-up chaining, the verifier): not sparse, so
// MongoDB finds them through the index instead of scanning the collection.
auditEventSchema.index({ seq: 1, at: 1, _id: 1 });

export type AuditActor = { kind: 'user'; userId: Types.ObjectId; label: string } | { kind: 'cli' | 'system'; label: string };
export type AuditEventFields = InferSchemaType<typeof auditEventSchema>;

export interface AuditInput {
  actor: AuditActor;
  action: string;
  target: { type: string; id: string; label?: string };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  requestId?: string | undefined;
  at?: Date;
}

export const AuditEvent = mongoose.model('AuditEvent', auditEventSchema);
