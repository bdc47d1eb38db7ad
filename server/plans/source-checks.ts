// Owns the record of why a due draw waits (DrawCheck, models/draw-check.ts): the reason code of
// each declared source's state, the last check that found an announcement not drawable (saved
// by drawAnnouncement, whoever triggered it), and which of its states are problems worth a
// warning. Only the process that fetched knows a relay is down or served a bad signature; the
// page and the log learn it here. Codes, not the engine's English: a page shows the catalogue
// key `drawCheck.reason.<code>` in its own language.
import mongoose, { Types } from 'mongoose';
import { DrawCheck, type DrawCheckRecord } from '../../models/draw-check.js';
import type { AnnouncementRecord } from '../../models/announcement.js';
import { isDuplicateKeyError } from '../errors.js';
import { publishedAnnouncement } from './announce.js';
import type { DrawSettings } from './settings.js';
import type { SourceState } from './sources.js';

export type SourceType = 'drand' | 'lottery' | 'commitment';
export type CheckTrigger = 'schedule' | 'request' | 'catch-up';

/** Every reason code (a catalogue key drawCheck.reason.<code> exists for each, in zh-CN and en). */
export const REASON_CODES = [
  'drand.verified', 'drand.not_fetched', 'drand.not_published', 'drand.bad_signature', 'drand.unreachable', 'drand.no_relay',
  'lottery.agreed', 'lottery.not_published', 'lottery.awaiting_entries', 'lottery.invalid_entry', 'lottery.mismatch',
  'secret.revealed', 'secret.missing',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** States that will not resolve by waiting: a relay down or lying, entries that disagree or are not results, a lost secret. */
const PROBLEM_STATES: ReadonlySet<SourceState['state']> = new Set(['invalid', 'mismatch', 'unreachable']);
export const isProblem = (s: Pick<SourceState, 'state'>) => PROBLEM_STATES.has(s.state);

/**
 * The reason code of a source's state. `fetched`: the relays were asked in this check (a drand
 * round merely not asked yet is not "unpublished"); `relays`: how many are configured.
 */
export function reasonCode(type: SourceType, s: Pick<SourceState, 'state' | 'from'>, options: { fetched: boolean; relays: number }): ReasonCode {
  if (type === 'commitment') return s.state === 'ready' ? 'secret.revealed' : 'secret.missing';
  if (type === 'lottery') {
    if (s.state === 'ready') return 'lottery.agreed';
    if (s.state === 'mismatch') return 'lottery.mismatch';
    if (s.state === 'invalid') return 'lottery.invalid_entry';
    return s.from ? 'lottery.not_published' : 'lottery.awaiting_entries';
  }
  if (s.state === 'ready') return 'drand.verified';
  if (s.state === 'invalid' || s.state === 'mismatch') return 'drand.bad_signature';
  if (s.state === 'unreachable') return options.relays === 0 ? 'drand.no_relay' : 'drand.unreachable';
  return options.fetched ? 'drand.not_published' : 'drand.not_fetched';
}

/** The declared type of source `index` of an announcement (-1: the committed secret). */
export function sourceTypeOf(a: AnnouncementRecord, index: number): SourceType {
  if (index < 0) return 'commitment';
  return publishedAnnouncement(a).randomness.entities[index]?.type === 'lottery' ? 'lottery' : 'drand';
}

export interface CheckedSource { index: number; type: SourceType; state: SourceState['state']; code: ReasonCode; detail: string }

/**
 * Saves a check that found the announcement not drawable (one document per announcement,
 * replaced). `changedAt` moves only when a source's state or code differs from the last check.
 */
export async function saveSourceCheck(a: AnnouncementRecord, sources: readonly SourceState[], trigger: CheckTrigger, settings: DrawSettings): Promise<DrawCheckRecord> {
  const at = settings.now();
  const checked: CheckedSource[] = sources.map((s) => {
    const type = sourceTypeOf(a, s.index);
    return { index: s.index, type, state: s.state, code: reasonCode(type, s, { fetched: true, relays: settings.drandRelays.length }), detail: s.reason.slice(0, 2000) };
  });
  const signature = (list: readonly Pick<CheckedSource, 'index' | 'state' | 'code'>[]) => JSON.stringify(list.map((s) => [s.index, s.state, s.code]));
  const before = await DrawCheck.findOne({ announcementId: a._id }).lean<DrawCheckRecord>();
  const changedAt = before && signature(before.sources as CheckedSource[]) === signature(checked) ? before.changedAt : at;
  const doc = { announcementId: a._id, taskId: a.taskId, key: a.key, trigger, at, changedAt, sources: checked };
  // Instances checking at once write the same facts; the last one wins, which is what "last" means.
  // Two first upserts racing: the loser's insert hits the unique index and replaces instead.
  await DrawCheck.replaceOne({ announcementId: a._id }, doc, { upsert: true }).catch(async (e: unknown) => {
    if (!isDuplicateKeyError(e)) throw e;
    await DrawCheck.replaceOne({ announcementId: a._id }, doc);
  });
  return { _id: before?._id ?? new Types.ObjectId(), ...doc } as DrawCheckRecord;
}

/** The last checks of these announcements, by announcement id. */
export async function lastChecks(announcementIds: readonly Types.ObjectId[]): Promise<Map<string, DrawCheckRecord>> {
  if (announcementIds.length === 0) return new Map();
  const rows = await DrawCheck.find({ announcementId: mongoose.trusted({ $in: [...announcementIds] }) }).lean<DrawCheckRecord[]>();
  return new Map(rows.map((r) => [r.announcementId.toString(), r]));
}

/** The last checks of these announcement keys (the draw job's report names announcements by key). */
export async function checksByKey(keys: readonly string[]): Promise<DrawCheckRecord[]> {
  if (keys.length === 0) return [];
  return DrawCheck.find({ key: mongoose.trusted({ $in: [...keys] }) }).lean<DrawCheckRecord[]>();
}
