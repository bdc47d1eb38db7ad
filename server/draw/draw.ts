// The draw: validates the input, derives the keys, orders and digests the pool, selects
// entities per stratum and, when the input has an assignment section, draws the inspector
// teams. Pure: the same input gives the same record, byte for byte, in Node and in the
// browser. This file owns the order of the phases and the shape of the record.
import { assignTeams as drawTeams } from './assign.js';
import { addDays, expectIsoDate } from './dates.js';
import { describeDifference, firstDifference } from './diff.js';
import { DrawError } from './errors.js';
import { nobleSha256, type EngineOptions, type Sha256Factory } from './hash.js';
import { digestScan } from './pool-digest.js';
import { sortRecords } from './pool-order.js';
import { entityAt, scanPool } from './pool-scan.js';
import { buildRoster, validateAssignment } from './roster.js';
import { checkTaskId, resolveSeed } from './seed.js';
import { selectStrata } from './select.js';
import { classify, compileStrata, validateStrata } from './strata.js';
import { SPEC_VERSION, type AssignmentInput, type DrawInput, type DrawRecord, type PoolSummary } from './types.js';

const INPUT_KEYS = ['taskId', 'inspectionDate', 'seed', 'pool', 'strata', 'exclusions', 'assignment'];
const MAX_WINDOW_DAYS = 36_600;

function validateTop(input: unknown): DrawInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new DrawError('INVALID_INPUT', 'the draw input is an object');
  for (const key of Object.keys(input)) {
    if (!INPUT_KEYS.includes(key)) throw new DrawError('INVALID_INPUT', `unknown field "${key}"`, key);
  }
  const x = input as DrawInput;
  checkTaskId(x.taskId);
  expectIsoDate(x.inspectionDate, 'inspectionDate');
  validateStrata(x.strata);
  const w = x.exclusions?.repeatWindowDays;
  if (x.exclusions !== undefined && (typeof x.exclusions !== 'object' || x.exclusions === null)) throw new DrawError('INVALID_INPUT', 'must be an object', 'exclusions');
  if (w !== undefined && (!Number.isSafeInteger(w) || w < 0 || w > MAX_WINDOW_DAYS)) {
    throw new DrawError('INVALID_INPUT', `a whole number of days from 0 to ${MAX_WINDOW_DAYS}`, 'exclusions.repeatWindowDays');
  }
  if (x.assignment !== undefined) validateAssignment(x.assignment);
  return x;
}

/** Pool → digest, canonical order, strata and the entity selection (DRAW-SPEC.md §5–§6). */
function drawEntities(x: DrawInput, derivedKey: string, sha: Sha256Factory) {
  if (!Array.isArray(x.pool)) throw new DrawError('INVALID_INPUT', 'the pool must be an array', 'pool');
  const window = x.exclusions?.repeatWindowDays ?? 0;
  const recentCutoff = window > 0 ? addDays(x.inspectionDate, -window) : null;
  const scan = scanPool(x.pool, compileStrata(x.strata), recentCutoff);
  const sorted = sortRecords(scan.records, x.pool, (entry) => entityAt(scan.lines, entry));
  // One pass in canonical order writes the pool text and reads each entity's input index.
  const order = new Uint32Array(scan.size);
  const digest = digestScan(scan, sorted, sha, order);
  const cls = classify(scan, order, x.strata.length);
  const selection = selectStrata(x.pool, order, x.strata, cls, derivedKey, sha);
  const sum = (f: 'excludedInactive' | 'excludedRecent' | 'drawable'): number => cls.counts.reduce((t, c) => t + c[f], 0);
  const pool: PoolSummary = {
    digest,
    size: x.pool.length,
    drawable: sum('drawable'),
    excludedInactive: sum('excludedInactive'),
    excludedRecent: sum('excludedRecent'),
    unstratified: cls.unstratified,
    recentCutoff,
  };
  return { pool, order, selection };
}

/** Runs a draw. Throws DrawError (with a code) on invalid or infeasible input. */
export function draw(input: DrawInput, options: EngineOptions = {}): DrawRecord {
  const sha = options.sha256 ?? nobleSha256;
  const x = validateTop(input);
  const seed = resolveSeed(x.taskId, x.seed, 'entities', sha);
  const a = x.assignment;
  const assignmentSeed = a ? resolveSeed(x.taskId, a.seed ?? x.seed, 'inspectors', sha, a.seed ? 'assignment.seed' : 'seed') : null;
  const { pool, order, selection } = drawEntities(x, seed.derivedKey, sha);
  let assignment: DrawRecord['assignment'] = null;
  if (a && assignmentSeed) {
    const teams = drawTeams(
      { roster: buildRoster(a, x.inspectionDate), assignment: a, pool: x.pool, order, derivedKey: assignmentSeed.derivedKey, sha },
      selection.selected,
      (i) => x.strata[selection.selectedStratum[i]!]!.id,
    );
    assignment = { seed: assignmentSeed, teamSize: a.teamSize, teams };
  }
  return { spec: SPEC_VERSION, input, seed, pool, strata: selection.results, assignment, recusals: [] };
}

/**
 * Adds the inspector phase to a record whose entities were drawn earlier (抽取 → 锁定 → 选派).
 * The entity phase is recomputed and must reproduce the record exactly.
 */
export function assignTeams(record: DrawRecord, assignment: AssignmentInput, options: EngineOptions = {}): DrawRecord {
  if (record.assignment !== null) throw new DrawError('RECORD_INVALID', 'the record already has inspector teams', 'assignment');
  const next = draw({ ...record.input, assignment }, options);
  for (const key of ['seed', 'pool', 'strata'] as const) {
    const d = firstDifference(next[key], record[key], key);
    if (d) throw new DrawError('RECORD_INVALID', `the entity draw does not reproduce (${describeDifference(d)})`, d.path);
  }
  return next;
}
