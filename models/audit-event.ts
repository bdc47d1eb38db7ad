// AuditEvent: an append-only record of who changed what, shared by every feature (user
// management today; rosters, draws, reviews later). Before/after hold short summaries of the
// changed fields only — never secrets such as password hashes.
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
});
auditEventSchema.index({ 'target.type': 1, 'target.id': 1, at: -1 });
auditEventSchema.index({ at: -1 });

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

/** Appends one audit record. The one way features write the audit trail. */
export async function recordAudit(input: AuditInput): Promise<void> {
  await AuditEvent.create({ ...input, at: input.at ?? new Date() });
}
