// Owns signing in: the password check and what an attempt leads to. Who may try how often —
// the lock per (account, address), the slowdown per account and the limit per address — is
// server/auth/login-throttle.ts; every attempt is a LoginAttempt row (models/login-attempt.ts).
import type { UserRecord } from '../../models/user.js';
import { User } from '../../models/user.js';
import { LoginAttempt, type LoginOutcome } from '../../models/login-attempt.js';
import { recordAudit } from '../audit/chain.js';
import { burnVerification, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, verifyPassword } from './password.js';
import { normaliseUsername } from './user-rules.js';
import { announceSettled, awaitTurn, claimTurn, clientAddress, PAIR_LOCK, pairFailures, slowdownFor, type Turn } from './login-throttle.js';

export { ACCOUNT_SLOWDOWN, ADDRESS_LIMIT, PAIR_LOCK } from './login-throttle.js';

export type LoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'locked' | 'limited' | 'busy'; retryAfterMinutes: number };

export interface LoginInput {
  username: string;
  password: string;
  /** The client address as Express reports it (req.ip). */
  ip: string | undefined;
  now?: Date;
  /** How the per-account slowdown waits; tests pass a recorder. */
  delay?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

export async function attemptLogin({ username: typed, password, ip: rawIp, now = new Date(), delay = sleep }: LoginInput): Promise<LoginResult> {
  const username = normaliseUsername(typed).slice(0, 100) || '-';
  const ip = clientAddress(rawIp);
  const wait = await slowdownFor(username, ip, now);
  if (wait > 0) await delay(wait);

  const turn = await claimTurn(username, ip, now);
  const settle = async (outcome: LoginOutcome) => {
    await LoginAttempt.updateOne({ _id: turn.id }, { $set: { outcome } });
    announceSettled(ip);
  };
  const verdict = await awaitTurn(turn, now);
  if (verdict.kind === 'busy') {
    await settle('busy');
    return { ok: false, reason: 'busy', retryAfterMinutes: 1 };
  }
  if (verdict.kind === 'locked' || verdict.kind === 'limited') {
    await settle(verdict.kind);
    return { ok: false, reason: verdict.kind, retryAfterMinutes: minutesUntil(verdict.until, now) };
  }
  const user = await User.findOne({ username }).lean<UserRecord>();
  const matches = user && password.length <= PASSWORD_MAX_LENGTH
    ? await verifyPassword(password, user.passwordHash)
    : (await burnVerification(password), false);
  if (!user || !matches) {
    await settle('failure');
    await auditIfNowLocked(turn, user, now);
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

/** The failure that locks a pair is worth an audit record; the ones that follow are not. */
async function auditIfNowLocked(turn: Turn, user: UserRecord | null, now: Date): Promise<void> {
  if (!user || (await pairFailures(turn, now)) !== PAIR_LOCK.maxFailures) return;
  await recordAudit({
    actor: { kind: 'system', label: `login from ${turn.ip}` },
    action: 'auth.lockout',
    target: { type: 'user', id: user._id.toString(), label: user.username },
    at: now,
  });
}
