// Owns the values of an announcement's declared sources: the drand round, fetched from the
// configured relays and BLS-verified before it is stored (a round's signature is unique, so
// whichever instance stores it stores the same value); the lottery result, entered by two
// different users independently (a disagreement is a recorded mismatch that blocks the draw
// until an entry is withdrawn on the record); and the committed secret, revealed at the draw.
// sourceStatus() is what a task page shows it is waiting for.
import { invalidatePublicCache } from '../http/public-cache.js';
import { Types } from 'mongoose';
import { recordAudit } from '../audit/chain.js';
import { AnnouncementSecret, type AnnouncementRecord, Announcement } from '../../models/announcement.js';
import { LotteryEntry, SourceValue } from '../../models/draw-run.js';
import { describeSource, type DeclaredSource, type RecordRandomness, type SourceEvidence } from '../draw/index.js';
import { fetchDrandRound, lotteryAgreement, parseLotteryEntry } from '../randomness/index.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, isDuplicateKeyError } from '../errors.js';
import { assertRead, auditContext, userIdOf, type Acting } from './acting.js';
import { publishedAnnouncement } from './announce.js';
import type { DrawSettings } from './settings.js';
import { loadTask, taskTarget } from './tasks.js';

export interface SourceState {
  index: number;
  description: string;
  state: 'ready' | 'waiting' | 'invalid' | 'mismatch' | 'unreachable';
  reason: string;
  /** A lottery not published yet: from when its result exists and entries are accepted. */
  from?: Date;
}

export interface SourcesReport {
  ready: boolean;
  sources: SourceState[];
  /** The values, when ready: what the draw claims with. */
  randomness: RecordRandomness | null;
}

/**
 * When each lottery game's result is published, Beijing time (UTC+8, no DST): the draws are held
 * about 21:15 (福彩3D, 双色球) to 21:25 (体彩排列3/5, 超级大乐透) and announced right after, so
 * no result of a game for a date exists before that date at this hour. Entries are refused
 * before it and the lottery source waits until then (DRAW-SPEC §14.3: declared before its value
 * can exist).
 */
export const LOTTERY_PUBLICATION_TIME: Readonly<Record<string, string>> = Object.freeze({
  fc3d: '21:30', pl3: '21:30', pl5: '21:30', ssq: '21:30', dlt: '21:30',
});
const DEFAULT_LOTTERY_PUBLICATION_TIME = '21:30';

/** The instant from which a declared lottery's result can exist (its date at its publication time, Beijing). */
export function lotteryAvailableAt(d: { game: string; date: string }): Date {
  const time = Object.prototype.hasOwnProperty.call(LOTTERY_PUBLICATION_TIME, d.game) ? LOTTERY_PUBLICATION_TIME[d.game]! : DEFAULT_LOTTERY_PUBLICATION_TIME;
  return new Date(`${d.date}T${time}:00+08:00`);
}

const beijing = (at: Date) => `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} Beijing time`;
const notYet = (d: { game: string; date: string }) => `the result is not published yet: entries are accepted from ${beijing(lotteryAvailableAt(d))} (${lotteryAvailableAt(d).toISOString()})`;

const valueKey = (a: Pick<AnnouncementRecord, '_id'>, index: number) => `${a._id.toString()}|entities|${index}`;

async function drandState(a: AnnouncementRecord, d: Extract<DeclaredSource, { type: 'drand' }>, index: number, settings: DrawSettings, fetch: boolean): Promise<{ state: SourceState; value: SourceEvidence | null }> {
  const description = describeSource(d);
  const stored = await SourceValue.findOne({ key: valueKey(a, index) }).lean<{ value: SourceEvidence }>();
  if (stored) return { state: { index, description, state: 'ready', reason: 'verified' }, value: stored.value };
  if (!fetch) return { state: { index, description, state: 'waiting', reason: 'not fetched yet' }, value: null };
  const result = await fetchDrandRound(d.round, { relays: settings.drandRelays, now: Math.floor(settings.now().getTime() / 1000), timeoutMs: 5000, ...(settings.fetch ? { fetch: settings.fetch } : {}) });
  if (result.state !== 'verified') return { state: { index, description, state: result.state, reason: result.reason }, value: null };
  const value: SourceEvidence = { type: 'drand', round: result.round, signature: result.signature, randomness: result.randomness };
  await SourceValue.create({ key: valueKey(a, index), announcementId: a._id, value, relay: result.relay, at: settings.now() }).catch((e: unknown) => { if (!isDuplicateKeyError(e)) throw e; });
  return { state: { index, description, state: 'ready', reason: `verified (from ${result.relay})` }, value };
}

async function lotteryState(a: AnnouncementRecord, d: Extract<DeclaredSource, { type: 'lottery' }>, index: number, settings: DrawSettings): Promise<{ state: SourceState; value: SourceEvidence | null }> {
  const description = describeSource(d);
  const from = lotteryAvailableAt(d);
  // Before its publication no entry can be the result: the source waits, whatever was entered.
  if (settings.now() < from) return { state: { index, description, state: 'waiting', reason: notYet(d), from }, value: null };
  const entries = await LotteryEntry.find({ announcementId: a._id, phase: 'entities', index, withdrawnAt: null }).sort({ at: 1 }).lean();
  const agreement = lotteryAgreement(d.game, entries.map((e) => ({ userId: e.userId.toString(), text: e.text })));
  if (agreement.state === 'agreed') return { state: { index, description, state: 'ready', reason: `agreed by ${agreement.users.length} users: ${agreement.text}` }, value: { type: 'lottery', result: agreement.result } };
  return { state: { index, description, state: agreement.state === 'mismatch' ? 'mismatch' : agreement.state === 'invalid' ? 'invalid' : 'waiting', reason: agreement.reason }, value: null };
}

/**
 * The state of every declared source of an announcement; with `fetch`, missing drand rounds are
 * asked from the relays (only once their publication time has come). Ready = the draw may run.
 */
export async function announcementSources(a: AnnouncementRecord, settings: DrawSettings, options: { fetch?: boolean } = {}): Promise<SourcesReport> {
  const announced = publishedAnnouncement(a);
  const sources: SourceState[] = [];
  const values: (SourceEvidence | null)[] = [];
  for (const [index, d] of announced.randomness.entities.entries()) {
    const r = d.type === 'drand' ? await drandState(a, d, index, settings, options.fetch ?? false) : await lotteryState(a, d, index, settings);
    sources.push(r.state);
    values.push(r.value);
  }
  let reveal: string | null = null;
  if (announced.randomness.commitment !== null) {
    const secret = await AnnouncementSecret.findOne({ digest: a.digest }).lean<{ reveal: string }>();
    reveal = secret?.reveal ?? null;
    sources.push({ index: -1, description: 'committed secret (commit–reveal)', state: reveal ? 'ready' : 'invalid', reason: reveal ? 'revealed at the draw' : 'the committed secret is missing' });
  }
  const ready = sources.every((s) => s.state === 'ready');
  return { ready, sources, randomness: ready ? { entities: values as SourceEvidence[], inspectors: null, reveal } : null };
}

async function loadAnnouncement(announcementId: string): Promise<AnnouncementRecord> {
  const a = Types.ObjectId.isValid(announcementId) ? await Announcement.findById(announcementId).lean<AnnouncementRecord>() : null;
  if (!a) throw new NotFoundError('No such announcement.');
  return a;
}

/**
 * One user's independent entry of an announced lottery result. A user enters a source once
 * (withdraw first to correct); entries never overwrite each other.
 */
export async function enterLotteryResult(announcementId: string, index: number, text: string, acting: Acting, settings: DrawSettings): Promise<SourceState> {
  const a = await loadAnnouncement(announcementId);
  const task = await loadTask(a.taskId);
  assertRead(acting, task);
  const me = userIdOf(acting);
  if (!me || acting.role !== 'supervisor') throw new ForbiddenError('Lottery results are entered by signed-in supervisors.');
  const d = publishedAnnouncement(a).randomness.entities[index];
  if (!d || d.type !== 'lottery') throw new NotFoundError('No such lottery source.');
  if (settings.now() < lotteryAvailableAt(d)) throw new ValidationError({ text: 'lottery.not_published' }, `${describeSource(d)}: ${notYet(d)}.`);
  const parsed = parseLotteryEntry(d.game, text ?? '');
  if (!parsed.ok) throw new ValidationError({ text: 'lottery.unreadable' }, parsed.reason);
  if (await LotteryEntry.exists({ announcementId: a._id, index, userId: new Types.ObjectId(me), withdrawnAt: null })) throw new ConflictError('You already entered this result; withdraw your entry to correct it.');
  await LotteryEntry.create({ announcementId: a._id, phase: 'entities', index, userId: new Types.ObjectId(me), label: acting.actor.label, text: text.trim(), at: settings.now() });
  const { state } = await lotteryState(a, d, index, settings);
  await recordAudit({ ...auditContext(acting), action: 'draw.lottery_entry', target: taskTarget(task), after: { announcement: a.key, source: d, text: parsed.text, state: state.state } });
  await invalidatePublicCache(settings.now()); // the draw's page lists the entries
  return state;
}

/** Withdraws one's own entry, on the record (the entry is kept, marked withdrawn). */
export async function withdrawLotteryEntry(announcementId: string, index: number, reason: string, acting: Acting, settings: DrawSettings): Promise<void> {
  const a = await loadAnnouncement(announcementId);
  const me = userIdOf(acting);
  if (!reason?.trim()) throw new ValidationError({ reason: 'required' });
  const result = await LotteryEntry.updateOne({ announcementId: a._id, index, userId: me ? new Types.ObjectId(me) : null, withdrawnAt: null }, { $set: { withdrawnAt: settings.now(), withdrawnBy: { kind: acting.actor.kind, label: acting.actor.label }, withdrawReason: reason.trim() } });
  if (result.matchedCount === 0) throw new NotFoundError('You have no entry to withdraw.');
  const task = await loadTask(a.taskId);
  await recordAudit({ ...auditContext(acting), action: 'draw.lottery_withdraw', target: taskTarget(task), after: { announcement: a.key, index, reason: reason.trim() } });
  await invalidatePublicCache(settings.now());
}
