// Verification: recompute a record from its own input (and the recorded recusal requests) and
// report the first difference, with its path, or that everything matches. For an announced
// draw (ssj-draw/2) the input is first rebuilt from the announcement, whose digest is checked
// against the one published before the draw, and every source's value is verified. Never
// throws on a hostile or broken record: the public page and the CLI show whatever comes back.
import { announcementDigest, validateAnnouncement } from './announcement.js';
import { describeSource, runAnnouncedDraw } from './announced-draw.js';
import { lotteryResultText } from '../randomness/lottery.js';
import { describeDifference, firstDifference } from './diff.js';
import { draw } from './draw.js';
import { DrawError, type DrawErrorCode } from './errors.js';
import type { EngineOptions } from './hash.js';
import { recuse } from './recusal.js';
import { SPEC_VERSION, SPEC_VERSION_2, type Announcement, type DeclaredSource, type DrawRecord, type RecordRandomness, type SourceEvidence } from './types.js';

export interface PublishedValues {
  /** The announcement digest published before the draw (ssj-draw/2): the check that matters. */
  announcementDigest?: string;
  /** The pool digest announced before the draw. */
  poolDigest?: string;
  /** The canonical key of the public random values, as announced. */
  canonicalKey?: string;
  /** The commit–reveal commitment published before the draw. */
  commitment?: string;
}

export interface VerifyOptions extends EngineOptions {
  published?: PublishedValues;
}

export type VerifyFailureCode = 'MISMATCH' | 'PUBLISHED_MISMATCH' | 'UNSUPPORTED_SPEC' | DrawErrorCode;

export interface VerifySummary {
  spec: string;
  taskId: string;
  /** ssj-draw/2 only: compare it with the digest published before the draw. */
  announcementDigest: string | null;
  poolDigest: string;
  derivedKey: string;
  selected: number;
  teams: number;
  recusals: number;
  /**
   * ssj-draw/2: each announced source with the value used. drand values are verified here;
   * a lottery result can only be compared with the official publication, by a person.
   */
  sources: string[];
}

export type VerifyResult =
  | { ok: true; summary: VerifySummary }
  | { ok: false; code: VerifyFailureCode; path: string; message: string; expected?: unknown; actual?: unknown };

const COMPARED_1 = ['spec', 'seed', 'pool', 'strata', 'assignment', 'recusals'] as const;
const COMPARED_2 = ['spec', 'announcement', 'announcementDigest', 'randomness', 'seed', 'pool', 'strata', 'assignment', 'recusals'] as const;
type Compared = (typeof COMPARED_2)[number];

function fail(code: VerifyFailureCode, path: string, message: string): VerifyResult {
  return { ok: false, code, path, message };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refusal(e: unknown, prefix: string, what: string): VerifyResult {
  if (e instanceof DrawError) return fail(e.code, e.path ? `${prefix}${e.path}` : prefix.replace(/\.$/, ''), `${what}: ${e.message}`);
  throw e;
}

function drawAgain(record: Record<string, unknown>, options: EngineOptions): DrawRecord | VerifyResult {
  try {
    return draw(record.input as DrawRecord['input'], options);
  } catch (e) {
    return refusal(e, 'input.', 'the input cannot be drawn');
  }
}

/**
 * ssj-draw/2: the announcement's digest against the published one, then the draw rebuilt from
 * the announcement, the recorded pool and roster and the recorded source values.
 */
function drawAnnounced(record: Record<string, unknown>, published: PublishedValues, options: EngineOptions): DrawRecord | VerifyResult {
  let announcement: Announcement;
  try {
    announcement = validateAnnouncement(record.announcement);
  } catch (e) {
    return refusal(e, 'announcement.', 'the announcement is not valid');
  }
  const digest = announcementDigest(announcement, options);
  if (published.announcementDigest !== undefined && published.announcementDigest !== digest) {
    return {
      ok: false, code: 'PUBLISHED_MISMATCH', path: 'announcement',
      message: `the announcement in this record has digest ${digest}, the digest published before the draw is ${published.announcementDigest}: something announced was changed`,
      expected: published.announcementDigest, actual: digest,
    };
  }
  const input = record.input as DrawRecord['input'];
  // Teams were drawn when the record's input has an assignment; its roster is checked
  // against the announced roster digest, every other parameter comes from the announcement.
  const assignment = input.assignment as { inspectors?: DrawRecord['input']['pool'] } | undefined;
  try {
    return runAnnouncedDraw({
      announcement,
      pool: input.pool,
      ...(assignment !== undefined ? { inspectors: (isObject(assignment) ? assignment.inspectors : undefined) as never } : {}),
      randomness: record.randomness as RecordRandomness,
    }, options);
  } catch (e) {
    return refusal(e, '', 'the announced draw cannot be run');
  }
}

/** Replays the recorded recusal requests, in order, on the recomputed draw. */
function replayRecusals(base: DrawRecord, recusals: unknown[], options: EngineOptions): DrawRecord | VerifyResult {
  let expected = base;
  for (let i = 0; i < recusals.length; i += 1) {
    const r = recusals[i];
    if (!isObject(r)) return fail('RECORD_INVALID', `recusals[${i}]`, 'a recusal is an object');
    try {
      expected = recuse(expected, { creditCode: r.creditCode as string, inspectorId: r.inspectorId as string, reason: r.reason as string }, options);
    } catch (e) {
      if (e instanceof DrawError) return fail(e.code, `recusals[${i}]`, `the recusal cannot be replayed: ${e.message}`);
      throw e;
    }
  }
  return expected;
}

function compare(expected: DrawRecord, record: Record<string, unknown>, keys: readonly Compared[], code: VerifyFailureCode = 'MISMATCH'): VerifyResult | null {
  for (const key of keys) {
    const d = firstDifference(expected[key], record[key], key);
    if (d) return { ok: false, code, path: d.path, message: describeDifference(d), expected: d.expected, actual: d.actual };
  }
  return null;
}

function checkPublished(expected: DrawRecord, pub: PublishedValues): VerifyResult | null {
  const checks: Array<[string, string | undefined, string | undefined]> = [
    ['pool.digest', pub.poolDigest, expected.pool.digest],
    ['seed.canonicalKey', pub.canonicalKey, expected.seed.canonicalKey],
    ['input.seed.commitment', pub.commitment, expected.input.seed.commitment],
  ];
  for (const [path, published, actual] of checks) {
    if (published !== undefined && published !== actual) {
      return { ok: false, code: 'PUBLISHED_MISMATCH', path, message: `${path}: published ${JSON.stringify(published)}, the record has ${JSON.stringify(actual ?? null)}`, expected: published, actual };
    }
  }
  return null;
}

function sourceLines(record: DrawRecord): string[] {
  const a = record.announcement;
  const r = record.randomness;
  if (!a || !r) return [];
  const line = (d: DeclaredSource, e: SourceEvidence | undefined, phase: string): string => {
    if (e?.type === 'lottery' && d.type === 'lottery') return `${phase}: ${describeSource(d)}: ${lotteryResultText(d.game, e.result)} (compare with the official result)`;
    return `${phase}: ${describeSource(d)}: randomness ${e?.type === 'drand' ? e.randomness : '?'} (signature verified)`;
  };
  const lines = a.randomness.entities.map((d, i) => line(d, r.entities[i], 'entities'));
  if (a.randomness.inspectors && r.inspectors) lines.push(...a.randomness.inspectors.map((d, i) => line(d, r.inspectors![i], 'inspectors')));
  if (r.reveal !== null) lines.push(`revealed secret ${r.reveal} (matches the announced commitment)`);
  return lines;
}

function summaryOf(expected: DrawRecord): VerifySummary {
  return {
    sources: sourceLines(expected),
    spec: expected.spec,
    taskId: expected.input.taskId,
    announcementDigest: expected.announcementDigest ?? null,
    poolDigest: expected.pool.digest,
    derivedKey: expected.seed.derivedKey,
    selected: expected.strata.reduce((t, s) => t + s.selected.length, 0),
    teams: expected.assignment?.teams.length ?? 0,
    recusals: expected.recusals.length,
  };
}

function verifyRecord(record: Record<string, unknown>, options: VerifyOptions): VerifyResult {
  const pub = options.published ?? {};
  const v2 = record.spec === SPEC_VERSION_2;
  if (!v2 && record.spec !== SPEC_VERSION) return fail('UNSUPPORTED_SPEC', 'spec', `this verifier implements ${SPEC_VERSION} and ${SPEC_VERSION_2}, the record says ${JSON.stringify(record.spec)}`);
  // A record without an announcement cannot match a published announcement digest: this
  // also stops an announced draw from being passed off as an unannounced /1 record.
  if (!v2 && pub.announcementDigest !== undefined) return fail('PUBLISHED_MISMATCH', 'spec', `an announcement digest was published, but this is an ${SPEC_VERSION} record, which has no announcement`);
  if (!Array.isArray(record.recusals)) return fail('RECORD_INVALID', 'recusals', 'must be an array');
  const keys: readonly Compared[] = v2 ? COMPARED_2 : COMPARED_1;
  for (const key of Object.keys(record)) {
    if (key !== 'input' && !(keys as readonly string[]).includes(key)) return fail('RECORD_INVALID', key, `unexpected field "${key}"`);
  }
  // The draw itself first: if a pick differs, that is the finding, not the recusal that
  // can no longer be replayed on the wrong team.
  const base = v2 ? drawAnnounced(record, pub, options) : drawAgain(record, options);
  if ('ok' in base) return base;
  // ssj-draw/2: the input must be exactly the one the announcement defines.
  if (v2) {
    const d = firstDifference(base.input, record.input, 'input');
    if (d) return { ok: false, code: 'NOT_AS_ANNOUNCED', path: d.path, message: `the draw's input is not what was announced: ${describeDifference(d)}`, expected: d.expected, actual: d.actual };
  }
  const drawDiff = compare(base, record, keys.filter((k) => k !== 'recusals'));
  if (drawDiff) return drawDiff;
  const expected = replayRecusals(base, record.recusals, options);
  if ('ok' in expected) return expected;
  return compare(expected, record, ['recusals']) ?? checkPublished(expected, pub) ?? { ok: true, summary: summaryOf(expected) };
}

/** Recomputes the record and compares it field by field. */
export function verify(record: unknown, options: VerifyOptions = {}): VerifyResult {
  try {
    if (!isObject(record) || !isObject(record.input)) return fail('RECORD_INVALID', '', 'not a draw record (no "input" object)');
    return verifyRecord(record, options);
  } catch (e) {
    // A malformed record can trip code that assumes validated shapes; report, do not crash.
    return fail('RECORD_INVALID', '', `the record could not be processed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
