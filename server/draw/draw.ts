// The draw: validates the input, derives the keys, orders and digests the pool, selects
// entities per stratum and, when the input has an assignment section, draws the inspector
// teams. Pure: the same input gives the same record, byte for byte, in Node and in the
// browser. This file owns the order of the phases and the shape of the record.
import { assignTeams as drawTeams } from './assign.js';
import { addDays, dayNumber, expectIsoDate } from './dates.js';
import { describeDifference, firstDifference } from './diff.js';
import { DrawError } from './errors.js';
import { nobleSha256, type EngineOptions, type Sha256Factory } from './hash.js';
import { digestScan } from './pool-digest.js';
import { sortRecords } from './pool-order.js';
import { entityAt, scanPool } from './pool-scan.js';
import { isCreditCodeFormat } from './pool-order.js';
import { buildRoster, validateAssignment } from './roster.js';
import { checkTaskId, resolveSeed } from './seed.js';
import { selectStrata } from './select.js';
import { compileStrata, validateStrata } from './strata.js';
import { quotaFor } from './quota.js';
import { classify as classifyPool } from './strata.js';
import { SPEC_VERSION, SPEC_VERSION_2, type AssignmentInput, type DrawInput, type DrawRecord, type PoolSummary, type SpecVersion } from './types.js';

const INPUT_KEYS = ['taskId', 'inspectionDate', 'seed', 'pool', 'strata', 'exclusions', 'assignment'];
const MAX_WINDOW_DAYS = 36_600;
const FIRST_DAY = dayNumber('0001-01-01');

/**
 * Which rules apply: ssj-draw/1 keys streams by the task id; ssj-draw/2 by the announcement
 * digest, and knows the list of entities at their inspection cap.
 */
export interface DrawContext {
  spec: SpecVersion;
  /** The task id (ssj-draw/1) or the announcement digest (ssj-draw/2). */
  scope: string;
}

function validateExclusions(x: DrawInput, spec: SpecVersion): void {
  if (x.exclusions === undefined) return;
  if (typeof x.exclusions !== 'object' || x.exclusions === null || Array.isArray(x.exclusions)) throw new DrawError('INVALID_INPUT', 'must be an object', 'exclusions');
  const known = spec === SPEC_VERSION_2 ? ['repeatWindowDays', 'atCap'] : ['repeatWindowDays'];
  for (const key of Object.keys(x.exclusions)) {
    if (!known.includes(key)) throw new DrawError('INVALID_INPUT', `unknown field "${key}"`, `exclusions.${key}`);
  }
  const w = x.exclusions.repeatWindowDays;
  if (w !== undefined && (!Number.isSafeInteger(w) || w < 0 || w > MAX_WINDOW_DAYS)) {
    throw new DrawError('INVALID_INPUT', `a whole number of days from 0 to ${MAX_WINDOW_DAYS}`, 'exclusions.repeatWindowDays');
  }
  // §6.1: the cutoff is a date of years 0001–9999, so the window may not reach before 0001-01-01.
  if (w !== undefined && w > 0 && dayNumber(x.inspectionDate) - w < FIRST_DAY) {
    throw new DrawError('INVALID_INPUT', 'the repeat window reaches before 0001-01-01', 'exclusions.repeatWindowDays');
  }
  const caps = x.exclusions.atCap;
  if (caps !== undefined) {
    if (!Array.isArray(caps)) throw new DrawError('INVALID_INPUT', 'must be an array of credit codes', 'exclusions.atCap');
    const seen = new Set<string>();
    caps.forEach((code, i) => {
      if (!isCreditCodeFormat(code)) throw new DrawError('INVALID_CREDIT_CODE', `not a 统一社会信用代码: ${JSON.stringify(code)}`, `exclusions.atCap[${i}]`);
      if (seen.has(code)) throw new DrawError('INVALID_INPUT', `${code} is listed twice`, `exclusions.atCap[${i}]`);
      seen.add(code);
    });
  }
}

function validateTop(input: unknown, spec: SpecVersion): DrawInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new DrawError('INVALID_INPUT', 'the draw input is an object');
  for (const key of Object.keys(input)) {
    if (!INPUT_KEYS.includes(key)) throw new DrawError('INVALID_INPUT', `unknown field "${key}"`, key);
  }
  const x = input as DrawInput;
  checkTaskId(x.taskId);
  expectIsoDate(x.inspectionDate, 'inspectionDate');
  validateStrata(x.strata);
  validateExclusions(x, spec);
  if (x.assignment !== undefined) validateAssignment(x.assignment);
  return x;
}

/** Pool → digest, canonical order, strata and exclusions (DRAW-SPEC.md §5, §6.1). */
function scanAndClassify(x: DrawInput, sha: Sha256Factory, spec: SpecVersion) {
  if (!Array.isArray(x.pool)) throw new DrawError('INVALID_INPUT', 'the pool must be an array', 'pool');
  const window = x.exclusions?.repeatWindowDays ?? 0;
  const recentCutoff = window > 0 ? addDays(x.inspectionDate, -window) : null;
  const atCap = x.exclusions?.atCap ? new Set(x.exclusions.atCap) : null;
  const scan = scanPool(x.pool, compileStrata(x.strata), recentCutoff, atCap);
  const sorted = sortRecords(scan.records, x.pool, (entry) => entityAt(scan.lines, entry));
  // One pass in canonical order writes the pool text and reads each entity's input index.
  const order = new Uint32Array(scan.size);
  const digest = digestScan(scan, sorted, sha, order);
  const cls = classifyPool(scan, order, x.strata.length);
  const sum = (f: 'excludedInactive' | 'excludedRecent' | 'excludedAtCap' | 'drawable'): number => cls.counts.reduce((t, c) => t + c[f], 0);
  const pool: PoolSummary = spec === SPEC_VERSION_2
    ? {
      digest, size: x.pool.length, drawable: sum('drawable'), excludedInactive: sum('excludedInactive'),
      excludedRecent: sum('excludedRecent'), excludedAtCap: sum('excludedAtCap'), unstratified: cls.unstratified, recentCutoff,
    }
    : {
      digest, size: x.pool.length, drawable: sum('drawable'), excludedInactive: sum('excludedInactive'),
      excludedRecent: sum('excludedRecent'), unstratified: cls.unstratified, recentCutoff,
    };
  return { pool, order, cls };
}

/**
 * The figures of a draw that need no random value: pool digest and counts, and per stratum
 * the counts and the quota (the preview, and what an announcement publishes). Validates the
 * entity part of the input exactly as the draw does.
 */
export function poolFigures(input: DrawInput, options: EngineOptions = {}, spec: SpecVersion = SPEC_VERSION_2) {
  const sha = options.sha256 ?? nobleSha256;
  const x = validateTop(input, spec);
  const { pool, cls } = scanAndClassify(x, sha, spec);
  const strata = x.strata.map((stratum, s) => {
    const counts = cls.counts[s]!;
    const quota = quotaFor(stratum.quota, counts.drawable);
    return { id: stratum.id, ...counts, quota, capped: quota > counts.drawable };
  });
  return { pool, strata };
}

/** Runs a draw under the given rules (ssj-draw/1 or /2). */
export function drawIn(context: DrawContext, input: DrawInput, options: EngineOptions = {}): DrawRecord {
  const sha = options.sha256 ?? nobleSha256;
  const { spec, scope } = context;
  const x = validateTop(input, spec);
  const seed = resolveSeed(scope, x.seed, 'entities', sha, 'seed', spec);
  const a = x.assignment;
  const assignmentSeed = a ? resolveSeed(scope, a.seed ?? x.seed, 'inspectors', sha, a.seed ? 'assignment.seed' : 'seed', spec) : null;
  const { pool, order, cls } = scanAndClassify(x, sha, spec);
  const selection = selectStrata(x.pool, order, x.strata, cls, seed.derivedKey, sha, undefined, spec === SPEC_VERSION_2);
  let assignment: DrawRecord['assignment'] = null;
  if (a && assignmentSeed) {
    const teams = drawTeams(
      { roster: buildRoster(a, x.inspectionDate), assignment: a, pool: x.pool, order, derivedKey: assignmentSeed.derivedKey, sha },
      selection.selected,
      (i) => x.strata[selection.selectedStratum[i]!]!.id,
    );
    assignment = { seed: assignmentSeed, teamSize: a.teamSize, teams };
  }
  return { spec, input, seed, pool, strata: selection.results, assignment, recusals: [] };
}

/** Runs an ssj-draw/1 draw. Throws DrawError (with a code) on invalid or infeasible input. */
export function draw(input: DrawInput, options: EngineOptions = {}): DrawRecord {
  return drawIn({ spec: SPEC_VERSION, scope: (input as { taskId?: string } | null)?.taskId as string }, input, options);
}

/**
 * Adds the inspector phase to a record whose entities were drawn earlier (抽取 → 锁定 → 选派).
 * The entity phase is recomputed and must reproduce the record exactly.
 */
export function assignTeams(record: DrawRecord, assignment: AssignmentInput, options: EngineOptions = {}): DrawRecord {
  if (record.spec !== SPEC_VERSION) throw new DrawError('RECORD_INVALID', 'an announced draw (ssj-draw/2) adds its teams with runAnnouncedDraw', 'spec');
  if (record.assignment !== null) throw new DrawError('RECORD_INVALID', 'the record already has inspector teams', 'assignment');
  const next = draw({ ...record.input, assignment }, options);
  for (const key of ['seed', 'pool', 'strata'] as const) {
    const d = firstDifference(next[key], record[key], key);
    if (d) throw new DrawError('RECORD_INVALID', `the entity draw does not reproduce (${describeDifference(d)})`, d.path);
  }
  return next;
}
