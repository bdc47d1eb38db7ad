// Owns the brute-force policy of signing in (README, "Accounts and access"; OWASP ASVS 2.2.1):
//  - per (account, client address): 5 failures in 15 minutes lock that pair — the same account
//    still signs in from any other address, so nobody can lock an officer out by name;
//  - per account, all addresses: from the 10th failure in 15 minutes on, attempts from an
//    address that has not signed in to the account in the last 30 days wait before their
//    password is checked (1 s, doubling per further failure, at most 16 s) — a slowdown, never
//    a lock;
//  - per client address, all accounts: 30 failures in 15 minutes pause the address.
// Only completed failures count. Attempts still in flight never lock anyone: an attempt that
// could be the one to cross a limit *waits* for the attempts of its address queued before it
// (models/login-attempt.ts) to finish, so a burst of parallel guesses cannot check more
// passwords than the limit allows, and a burst of correct logins all get in.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import mongoose from 'mongoose';
import { LoginAttempt } from '../../models/login-attempt.js';
import { isDuplicateKeyError } from '../errors.js';

const MINUTE = 60_000;
export const PAIR_LOCK = { maxFailures: 5, windowMs: 15 * MINUTE };
export const ADDRESS_LIMIT = { maxFailures: 30, windowMs: 15 * MINUTE };
export const ACCOUNT_SLOWDOWN = { afterFailures: 10, windowMs: 15 * MINUTE, firstDelayMs: 1_000, maxDelayMs: 16_000, knownAddressMs: 30 * 1_440 * MINUTE };
/** A pending attempt older than this was abandoned (its process died): it counts as a failure. */
export const ABANDONED_AFTER_MS = MINUTE;
/** How long an attempt waits for earlier ones of its address before answering "busy". */
export const MAX_QUEUE_WAIT_MS = 20_000;

type Limit = { maxFailures: number; windowMs: number };
const trusted = mongoose.trusted;
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

/** The address as stored: an IP as Express reports it, or a digest of anything else. */
export function clientAddress(ip: string | undefined): string {
  if (ip && isIP(ip)) return ip;
  return `other:${createHash('sha256').update(ip ?? '').digest('base64url').slice(0, 16)}`;
}

/** How long an attempt on `username` from `ip` waits before its password is checked. */
export async function slowdownFor(username: string, ip: string, now: Date): Promise<number> {
  const { afterFailures, windowMs, firstDelayMs, maxDelayMs, knownAddressMs } = ACCOUNT_SLOWDOWN;
  const failures = await LoginAttempt.countDocuments({ username, outcome: 'failure', at: trusted({ $gt: ago(now, windowMs) }) });
  if (failures < afterFailures) return 0;
  // The officer's usual office is not slowed down by someone else's guessing.
  const known = await LoginAttempt.exists({ username, ip, outcome: 'success', at: trusted({ $gt: ago(now, knownAddressMs) }) });
  if (known) return 0;
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(30, failures - afterFailures));
}

export interface Turn {
  id: string;
  seq: number;
  ip: string;
  username: string;
}

async function lastSeq(ip: string): Promise<number> {
  const last = await LoginAttempt.findOne({ ip, seq: trusted({ $gte: 1 }) }, { seq: 1 }).sort({ seq: -1 }).lean();
  return last?.seq ?? 0;
}

/**
 * Claims the next place in the address's queue by inserting the attempt (pending). Only ever
 * tries "an existing seq + 1", so seqs stay contiguous and every earlier attempt exists.
 */
export async function claimTurn(username: string, ip: string, at: Date): Promise<Turn> {
  let seq = (await lastSeq(ip)) + 1;
  for (let tries = 0; ; tries += 1) {
    const id = `${ip}#${seq}`;
    try {
      await LoginAttempt.create({ _id: id, seq, username, ip, outcome: 'pending', at });
      return { id, seq, ip, username };
    } catch (error) {
      if (!isDuplicateKeyError(error) || tries >= 10_000) throw error;
      seq = Math.max(seq + 1, (await lastSeq(ip)) + 1);
    }
  }
}

/** At most this many recent rows of an address are read per decision (failures are capped by
 * the limits themselves; only a flood of successes could push an old failure out of sight). */
const ROWS_PER_DECISION = 500;

type Row = { seq?: number | null; username: string; outcome: string; at: Date };

/** The address's recent attempts that matter: in flight, failed or successful, newest first. */
async function recentRows(ip: string, now: Date): Promise<Row[]> {
  const since = ago(now, Math.max(PAIR_LOCK.windowMs, ADDRESS_LIMIT.windowMs));
  return LoginAttempt.find(
    { ip, outcome: trusted({ $in: ['pending', 'failure', 'success'] }), at: trusted({ $gt: since }) },
    { _id: 0, seq: 1, username: 1, outcome: 1, at: 1 },
  ).sort({ seq: -1 }).limit(ROWS_PER_DECISION).lean<Row[]>();
}

type Count = { failures: Date[]; inFlight: number };

/**
 * The completed failures in the window, newest first (abandoned pending attempts count as
 * failures; those queued after `turn` count too: they are done), and the attempts still in
 * flight queued before `turn`.
 */
function count(rows: Row[], turn: Turn, limit: Limit, now: Date): Count {
  const windowStart = ago(now, limit.windowMs).getTime();
  const abandoned = ago(now, ABANDONED_AFTER_MS).getTime();
  const failures: Date[] = [];
  let inFlight = 0;
  for (const row of rows) {
    const at = row.at.getTime();
    const fresh = at > abandoned;
    if (row.outcome === 'pending' && fresh) {
      if ((row.seq ?? 0) < turn.seq) inFlight += 1;
    } else if ((row.outcome === 'failure' || row.outcome === 'pending') && at > windowStart) {
      failures.push(row.at);
    }
  }
  failures.sort((x, y) => y.getTime() - x.getTime());
  return { failures, inFlight };
}

/** The pair's rows since its last success queued before `turn` (a success elsewhere does not count). */
function pairRows(rows: Row[], turn: Turn): Row[] {
  const mine = rows.filter((row) => row.username === turn.username);
  const success = mine.find((row) => row.outcome === 'success' && (row.seq ?? 0) < turn.seq);
  return success ? mine.filter((row) => (row.seq ?? 0) > (success.seq ?? 0)) : mine;
}

export type Verdict = { kind: 'go' | 'wait' } | { kind: 'locked' | 'limited'; until: Date };

/** `until` if the limit is reached; 'wait' if attempts in flight could still reach it. */
function judge({ failures, inFlight }: Count, limit: Limit): { until: Date } | 'wait' | 'go' {
  if (failures.length >= limit.maxFailures) {
    // The lock ends when the oldest of the last `maxFailures` failures leaves the window.
    return { until: new Date((failures[limit.maxFailures - 1] as Date).getTime() + limit.windowMs) };
  }
  return failures.length + inFlight >= limit.maxFailures ? 'wait' : 'go';
}

/** What the queue says about `turn` now. */
export async function verdictFor(turn: Turn, now: Date): Promise<Verdict> {
  const rows = await recentRows(turn.ip, now);
  const pairVerdict = judge(count(pairRows(rows, turn), turn, PAIR_LOCK, now), PAIR_LOCK);
  if (typeof pairVerdict === 'object') return { kind: 'locked', until: pairVerdict.until };
  const addressVerdict = judge(count(rows, turn, ADDRESS_LIMIT, now), ADDRESS_LIMIT);
  if (typeof addressVerdict === 'object') return { kind: 'limited', until: addressVerdict.until };
  return { kind: pairVerdict === 'go' && addressVerdict === 'go' ? 'go' : 'wait' };
}

// Waiting attempts wake up when an attempt of their address settles in this process; the timer
// is the fallback for attempts settled by another app process on the same database.
const settled = new EventEmitter().setMaxListeners(0);

/** Called after an attempt's outcome is written. */
export function announceSettled(ip: string): void {
  settled.emit(ip);
}

function nextSettleOrTimeout(ip: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      settled.off(ip, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    settled.once(ip, done);
  });
}

/** Waits until verdictFor is not 'wait' (or MAX_QUEUE_WAIT_MS pass: then 'busy'). */
export async function awaitTurn(turn: Turn, now: Date): Promise<Verdict | { kind: 'busy' }> {
  const started = Date.now();
  for (let interval = 50; ; interval = Math.min(1_000, interval * 2)) {
    const verdict = await verdictFor(turn, now);
    if (verdict.kind !== 'wait') return verdict;
    if (Date.now() - started > MAX_QUEUE_WAIT_MS) return { kind: 'busy' };
    await nextSettleOrTimeout(turn.ip, interval);
  }
}

/** Completed failures of the pair since its last success: the audit marks the one that locks. */
export async function pairFailures(turn: Turn, now: Date): Promise<number> {
  const rows = pairRows(await recentRows(turn.ip, now), turn);
  return count(rows, turn, PAIR_LOCK, now).failures.length;
}
