// Verification: recompute a record from its own input (and the recorded recusal requests) and
// report the first difference, with its path, or that everything matches. Never throws on a
// hostile or broken record: the public page and the CLI show whatever comes back.
import { describeDifference, firstDifference } from './diff.js';
import { draw } from './draw.js';
import { DrawError, type DrawErrorCode } from './errors.js';
import type { EngineOptions } from './hash.js';
import { recuse } from './recusal.js';
import { SPEC_VERSION, type DrawRecord } from './types.js';

export interface PublishedValues {
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

export type VerifyResult =
  | { ok: true; summary: { spec: string; taskId: string; poolDigest: string; derivedKey: string; selected: number; teams: number; recusals: number } }
  | { ok: false; code: VerifyFailureCode; path: string; message: string; expected?: unknown; actual?: unknown };

const COMPARED = ['spec', 'seed', 'pool', 'strata', 'assignment', 'recusals'] as const;

function fail(code: VerifyFailureCode, path: string, message: string): VerifyResult {
  return { ok: false, code, path, message };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function drawAgain(record: Record<string, unknown>, options: EngineOptions): DrawRecord | VerifyResult {
  try {
    return draw(record.input as DrawRecord['input'], options);
  } catch (e) {
    if (e instanceof DrawError) return fail(e.code, e.path ? `input.${e.path}` : 'input', `the input cannot be drawn: ${e.message}`);
    throw e;
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

function compare(expected: DrawRecord, record: Record<string, unknown>, keys: readonly (typeof COMPARED)[number][]): VerifyResult | null {
  for (const key of keys) {
    const d = firstDifference(expected[key], record[key], key);
    if (d) return { ok: false, code: 'MISMATCH', path: d.path, message: describeDifference(d), expected: d.expected, actual: d.actual };
  }
  return null;
}

/** Recomputes the record and compares it field by field. */
export function verify(record: unknown, options: VerifyOptions = {}): VerifyResult {
  try {
    if (!isObject(record) || !isObject(record.input)) return fail('RECORD_INVALID', '', 'not a draw record (no "input" object)');
    if (record.spec !== SPEC_VERSION) return fail('UNSUPPORTED_SPEC', 'spec', `this verifier implements ${SPEC_VERSION}, the record says ${JSON.stringify(record.spec)}`);
    if (!Array.isArray(record.recusals)) return fail('RECORD_INVALID', 'recusals', 'must be an array');
    // The draw itself first: if a pick differs, that is the finding, not the recusal that
    // can no longer be replayed on the wrong team.
    const base = drawAgain(record, options);
    if ('ok' in base) return base;
    const drawDiff = compare(base, record, ['spec', 'seed', 'pool', 'strata', 'assignment']);
    if (drawDiff) return drawDiff;
    const expected = replayRecusals(base, record.recusals, options);
    if ('ok' in expected) return expected;
    const recusalDiff = compare(expected, record, ['recusals']);
    if (recusalDiff) return recusalDiff;
    for (const key of Object.keys(record)) {
      if (key !== 'input' && !(COMPARED as readonly string[]).includes(key)) return fail('RECORD_INVALID', key, `unexpected field "${key}"`);
    }
    const pub = options.published ?? {};
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
    return {
      ok: true,
      summary: {
        spec: SPEC_VERSION,
        taskId: expected.input.taskId,
        poolDigest: expected.pool.digest,
        derivedKey: expected.seed.derivedKey,
        selected: expected.strata.reduce((t, s) => t + s.selected.length, 0),
        teams: expected.assignment?.teams.length ?? 0,
        recusals: expected.recusals.length,
      },
    };
  } catch (e) {
    // A malformed record can trip code that assumes validated shapes; report, do not crash.
    return fail('RECORD_INVALID', '', `the record could not be processed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
