// Owns the limit on code lookups of the public check page (/check). A code has 80 random bits,
// so guessing one is hopeless with or without a limit; the limit is there anyway because every
// guess is a database read and a log line, because a guesser who got lucky would learn the
// names of the officers on a team (people, not just records), and because an unbounded public
// endpoint invites scripted noise. Policy, per client address (an IPv6 client by its /64,
// which one subscriber usually holds whole): at most LOOKUP_LIMIT.maxFailures lookups that did
// not confirm a genuine inspection within LOOKUP_LIMIT.windowMs; further lookups answer 429
// until enough of them leave the window. A lookup that confirms a genuine inspection costs
// nothing, so people at a door checking and re-checking a real code are never held up, and
// the limit is generous because many phones share one carrier address (CGNAT). There is no
// global limit: one guesser must not be able to stop everyone from checking inspectors.
//
// As for signing in (server/auth/login-throttle.ts), the limit is counted from rows in the
// database, so several app instances share it, and a lookup claims its row *before* the code
// is read: the k-th row inserted sees at least k rows when it counts, so a burst of parallel
// guesses cannot get more than the limit through. A process killed mid-lookup leaves its row,
// which then counts as a failure until it leaves the window.
import { isIP } from 'node:net';
import mongoose from 'mongoose';
import { CheckLookup } from '../../models/check-lookup.js';
import { clientAddress } from '../auth/login-throttle.js';

const MINUTE = 60_000;
export const LOOKUP_LIMIT = { maxFailures: 30, windowMs: 15 * MINUTE };

/** The address a lookup counts against: IPv4 as is, IPv6 by its /64, anything else digested. */
export function lookupAddress(ip: string | undefined): string {
  const v4mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip ?? '');
  if (v4mapped) return v4mapped[1] as string;
  if (ip && isIP(ip) === 6) return `${ipv6Prefix64(ip)}::/64`;
  return clientAddress(ip);
}

function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':');
}

export type Admission =
  | { admitted: true; /** Reports the outcome: a genuine inspection gives the lookup back. */ settle(genuine: boolean): Promise<void> }
  | { admitted: false; retryAfterSeconds: number };

const recent = (address: string, now: Date) => ({ address, at: mongoose.trusted({ $gt: new Date(now.getTime() - LOOKUP_LIMIT.windowMs) }) });

/** Claims a lookup for the address, or says how long to wait. */
export async function admitLookup(address: string, now: Date): Promise<Admission> {
  // Already over the limit: refused without writing anything (a flood costs reads only).
  if ((await CheckLookup.countDocuments(recent(address, now))) >= LOOKUP_LIMIT.maxFailures) return refused(address, now);
  const row = await CheckLookup.create({ address, at: now });
  if ((await CheckLookup.countDocuments(recent(address, now))) > LOOKUP_LIMIT.maxFailures) {
    await CheckLookup.deleteOne({ _id: row._id });
    return refused(address, now);
  }
  return {
    admitted: true,
    settle: async (genuine) => {
      if (genuine) await CheckLookup.deleteOne({ _id: row._id });
    },
  };
}

/** Refused until the maxFailures-th newest row leaves the window. */
async function refused(address: string, now: Date): Promise<Admission> {
  const [row] = await CheckLookup.find(recent(address, now)).select('at').sort({ at: -1 }).skip(LOOKUP_LIMIT.maxFailures - 1).limit(1).lean<{ at: Date }[]>();
  const freeAt = (row?.at.getTime() ?? now.getTime()) + LOOKUP_LIMIT.windowMs;
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) };
}

/** Deletes rows that no longer count (the inspections job; FerretDB cannot expire them by index). */
export async function purgeCheckLookups(now: Date): Promise<number> {
  const { deletedCount } = await CheckLookup.deleteMany({ at: mongoose.trusted({ $lte: new Date(now.getTime() - LOOKUP_LIMIT.windowMs) }) });
  return deletedCount;
}
