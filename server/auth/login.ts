// Owns signing in: password check, temporary lockout of an account after repeated failures,
// and a rate limit per client address. Every attempt is a LoginAttempt row written *before*
// the password is checked, so that a burst of parallel guesses sees itself and is refused
// (counting inserted rows is safe on FerretDB, where conditional updates are not atomic).
import mongoose, { type Types } from 'mongoose';
import { LoginAttempt, type LoginOutcome } from '../../models/login-attempt.js';
import { User, type UserRecord } from '../../models/user.js';
import { recordAudit } from '../../models/audit-event.js';
import { burnVerification, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, verifyPassword } from './password.js';
import { normaliseUsername } from './user-rules.js';

/** 5 failed attempts within 15 minutes lock the account until 15 minutes after the 5th-last. */
export const ACCOUNT_LOCK = { maxFailures: 5, windowMs: 15 * 60_000 };
/** Many failures from one address (spraying many usernames) pause that address. */
export const ADDRESS_LIMIT = { maxFailures: 30, windowMs: 15 * 60_000 };

export type LoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'locked' | 'limited'; retryAfterMinutes: number };

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  now?: Date;
}

const COUNTED_AS_FAILURE: LoginOutcome[] = ['failure', 'pending'];

/**
 * When the lock ends, if the failures after `since` (not counting `except`) reach the limit:
 * the oldest of the last `maxFailures` failures plus the window.
 */
async function lockedUntil(
  filter: Record<string, unknown>, limit: { maxFailures: number; windowMs: number }, since: Date, except?: Types.ObjectId,
): Promise<Date | undefined> {
  const query: Record<string, unknown> = { ...filter, outcome: mongoose.trusted({ $in: COUNTED_AS_FAILURE }), at: mongoose.trusted({ $gt: since }) };
  if (except) query._id = mongoose.trusted({ $ne: except });
  const recent = await LoginAttempt.find(query, { at: 1 }).sort({ at: -1 }).limit(limit.maxFailures).lean();
  if (recent.length < limit.maxFailures) return undefined;
  const oldestCounted = recent[recent.length - 1] as { at: Date };
  return new Date(oldestCounted.at.getTime() + limit.windowMs);
}

/** Failures only count since the last success: signing in resets the account's counter. */
async function accountLockedUntil(username: string, now: Date, except: Types.ObjectId): Promise<Date | undefined> {
  const windowStart = new Date(now.getTime() - ACCOUNT_LOCK.windowMs);
  const success = await LoginAttempt.findOne({ username, outcome: 'success', at: mongoose.trusted({ $gt: windowStart }) }, { at: 1 }).sort({ at: -1 }).lean();
  return lockedUntil({ username }, ACCOUNT_LOCK, success?.at ?? windowStart, except);
}

function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

export async function attemptLogin({ username: typed, password, ip, now = new Date() }: LoginInput): Promise<LoginResult> {
  const username = normaliseUsername(typed).slice(0, 100) || '-';
  const addressUntil = await lockedUntil({ ip }, ADDRESS_LIMIT, new Date(now.getTime() - ADDRESS_LIMIT.windowMs));
  if (addressUntil) {
    await LoginAttempt.create({ username, ip, outcome: 'limited', at: now });
    return { ok: false, reason: 'limited', retryAfterMinutes: minutesUntil(addressUntil, now) };
  }
  const attempt = await LoginAttempt.create({ username, ip, outcome: 'pending', at: now });
  const settle = (outcome: LoginOutcome) => LoginAttempt.updateOne({ _id: attempt._id }, { $set: { outcome } });

  const accountUntil = await accountLockedUntil(username, now, attempt._id);
  if (accountUntil) {
    await settle('locked');
    return { ok: false, reason: 'locked', retryAfterMinutes: minutesUntil(accountUntil, now) };
  }
  const user = await User.findOne({ username }).lean<UserRecord>();
  const matches = user && password.length <= PASSWORD_MAX_LENGTH
    ? await verifyPassword(password, user.passwordHash)
    : (await burnVerification(password), false);
  if (!user || !matches) {
    await settle('failure');
    await auditIfNowLocked(username, user, now, ip);
    return { ok: false, reason: 'invalid' };
  }
  if (!user.active) {
    await settle('disabled');
    return { ok: false, reason: 'disabled' };
  }
  await settle('success');
  await recordLogin(user, password, now);
  return { ok: true, user };
}

async function recordLogin(user: UserRecord, password: string, now: Date): Promise<void> {
  const set: Record<string, unknown> = { lastLoginAt: now };
  // The only moment the clear password is at hand: upgrade a hash made with older parameters.
  if (needsRehash(user.passwordHash)) set.passwordHash = await hashPassword(password);
  await User.updateOne({ _id: user._id }, { $set: set });
}

/** The failure that starts a lock is worth an audit record; the ones that follow are not. */
async function auditIfNowLocked(username: string, user: UserRecord | null, now: Date, ip: string): Promise<void> {
  const recent = await LoginAttempt.countDocuments({ username, outcome: 'failure', at: mongoose.trusted({ $gt: new Date(now.getTime() - ACCOUNT_LOCK.windowMs) }) });
  if (!user || recent !== ACCOUNT_LOCK.maxFailures) return;
  await recordAudit({
    actor: { kind: 'system', label: `login from ${ip}` },
    action: 'auth.lockout',
    target: { type: 'user', id: user._id.toString(), label: user.username },
    at: now,
  });
}
