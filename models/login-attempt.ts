// LoginAttempt: one row per sign-in attempt, success or not. Lockouts and rate limits are
// computed by counting rows, never by updating a counter in place: inserts are safe under
// concurrency on MongoDB and FerretDB alike (FerretDB's conditional updates are not atomic).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** pending: being checked; locked/limited: refused without checking the password. */
export const LOGIN_OUTCOMES = ['pending', 'success', 'failure', 'disabled', 'locked', 'limited'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

const loginAttemptSchema = new Schema({
  /** As typed (normalised to lower case), whether or not such a user exists. */
  username: { type: String, required: true, maxlength: 100 },
  ip: { type: String, required: true, maxlength: 64 },
  outcome: { type: String, required: true, enum: LOGIN_OUTCOMES },
  at: { type: Date, required: true },
});
loginAttemptSchema.index({ username: 1, at: -1 });
loginAttemptSchema.index({ ip: 1, at: -1 });
loginAttemptSchema.index({ at: 1 });

export type LoginAttemptFields = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttempt = mongoose.model('LoginAttempt', loginAttemptSchema);
