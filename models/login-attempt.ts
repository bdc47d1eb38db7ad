// LoginAttempt: one row per sign-in attempt, success or not, and the queue that orders the
// attempts of one client address. Lockouts and rate limits are computed by counting rows, never
// by updating a counter in place. Each attempt claims its place by inserting `_id` =
// "<address>#<seq>" with seq = last seq + 1: the unique _id makes the claim exclusive on
// MongoDB, FerretDB and mongo-java-server alike (no conditional update is trusted), and seqs
// are contiguous, so an attempt that holds seq n knows every attempt before it already exists.
// The policy that reads these rows is server/auth/login-throttle.ts.
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose';

/**
 * pending: claimed, password not checked yet; locked/limited: refused without checking the
 * password; busy: gave up waiting for earlier attempts of the same address to finish.
 */
export const LOGIN_OUTCOMES = ['pending', 'success', 'failure', 'disabled', 'locked', 'limited', 'busy'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

const loginAttemptSchema = new Schema({
  /** "<address>#<seq>" for queued attempts; rows written otherwise get a random id. */
  _id: { type: String, default: () => new Types.ObjectId().toHexString() },
  /** Place in the queue of this address's attempts (1, 2, 3…; absent on rows from before it). */
  seq: { type: Number, min: 1 },
  /** As typed (normalised to lower case), whether or not such a user exists. */
  username: { type: String, required: true, maxlength: 100 },
  /** The client address (server/auth/login-throttle.ts clientAddress). */
  ip: { type: String, required: true, maxlength: 64 },
  outcome: { type: String, required: true, enum: LOGIN_OUTCOMES },
  at: { type: Date, required: true },
}, { versionKey: false });
loginAttemptSchema.index({ username: 1, at: -1 });
loginAttemptSchema.index({ ip: 1, at: -1 });
loginAttemptSchema.index({ ip: 1, seq: -1 });
loginAttemptSchema.index({ at: 1 });

export type LoginAttemptFields = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttempt = mongoose.model('LoginAttempt', loginAttemptSchema);
