// Running an announced (ssj-draw/2) draw: the values obtained for the declared sources are
// checked (drand signatures, lottery result shapes), the draw input is *built from the
// announcement* plus the frozen pool and roster, so no parameter can differ from what was
// published, and the record carries the announcement, its digest and the evidence
// (DRAW-SPEC.md §14.4–§14.6). sourcesReady() tells a task what it is still waiting for.
import { describeDifference, firstDifference } from './diff.js';
import { announcementDigest, inputStrata, validateAnnouncement } from './announcement.js';
import { drawIn } from './draw.js';
import { DrawError } from './errors.js';
import { nobleSha256, type EngineOptions } from './hash.js';
import { rosterDigest } from './roster-digest.js';
import { validateAssignment } from './roster.js';
import {
  SPEC_VERSION_2, type Announcement, type DeclaredSource, type DrawInput, type DrawRecord, type EntityInput, type InspectorInput,
  type RecordRandomness, type SeedMaterial, type SeedSource, type SourceEvidence,
} from './types.js';
import { checkReveal } from '../randomness/commitment.js';
import { DRAND_CHAINS, verifyDrandBeacon } from '../randomness/drand.js';
import { LOTTERY_GAMES, lotteryResultProblem, lotterySeedSources } from '../randomness/lottery.js';

export type Phase = 'entities' | 'inspectors';

/** "drand quicknet round 1234567 (2025-07-14T02:00:00Z)", "福彩3D 2025-07-14". */
export function describeSource(source: DeclaredSource): string {
  if (source.type === 'drand') return `drand ${DRAND_CHAINS.get(source.chain)?.name ?? source.chain} round ${source.round} (${source.time})`;
  return `${LOTTERY_GAMES[source.game]?.name ?? source.game} ${source.date}`;
}

/** Why `evidence` is not a valid value of `declared`, or null. */
export function evidenceProblem(declared: DeclaredSource, evidence: unknown): string | null {
  if (typeof evidence !== 'object' || evidence === null) return 'no value';
  const e = evidence as Record<string, unknown>;
  if (e.type !== declared.type) return `the value is of type ${JSON.stringify(e.type)}, the source is ${declared.type}`;
  if (declared.type === 'drand') {
    if (Object.keys(e).sort().join() !== 'randomness,round,signature,type') return 'a drand value is {type, round, signature, randomness}';
    if (e.round !== declared.round) return `round ${JSON.stringify(e.round)} given, round ${declared.round} was announced`;
    const check = verifyDrandBeacon(DRAND_CHAINS.get(declared.chain)!, e.round, e.signature, e.randomness);
    return check.ok ? null : check.reason;
  }
  if (Object.keys(e).sort().join() !== 'result,type') return 'a lottery value is {type, result}';
  return lotteryResultProblem(declared.game, e.result);
}

function checkEvidence(declared: DeclaredSource[], evidence: unknown, path: string): SourceEvidence[] {
  if (!Array.isArray(evidence) || evidence.length !== declared.length) throw new DrawError('SOURCE_INVALID', `one value per announced source (${declared.length})`, path);
  declared.forEach((d, i) => {
    const problem = evidenceProblem(d, evidence[i]);
    if (problem) throw new DrawError('SOURCE_INVALID', `${describeSource(d)}: ${problem}`, `${path}[${i}]`);
  });
  return evidence as SourceEvidence[];
}

/** The canonical-key sources (§3.1) of verified values, in announced order, without names. */
export function evidenceSources(declared: DeclaredSource[], evidence: SourceEvidence[]): SeedSource[] {
  return declared.flatMap((d, i): SeedSource[] => {
    const e = evidence[i]!;
    if (d.type === 'drand' && e.type === 'drand') return [{ values: [e.randomness] }];
    if (d.type === 'lottery' && e.type === 'lottery') return lotterySeedSources(d.game, e.result);
    throw new DrawError('SOURCE_INVALID', 'value and source differ in type');
  });
}

function seedMaterial(a: Announcement, declared: DeclaredSource[], evidence: SourceEvidence[], reveal: string | null): SeedMaterial {
  const sources = evidenceSources(declared, evidence);
  if (a.randomness.commitment === null) return { sources };
  return reveal === null ? { sources, commitment: a.randomness.commitment } : { sources, commitment: a.randomness.commitment, reveal };
}

/**
 * The draw input an announcement defines (§14.5): every parameter comes from the announcement,
 * only the pool and the roster (checked against their announced digests) and the random
 * values come from outside. `inspectors` given = the inspector phase is drawn too.
 */
export function announcedInput(a: Announcement, pool: EntityInput[], inspectors: InspectorInput[] | undefined, randomness: RecordRandomness): DrawInput {
  const input: DrawInput = {
    taskId: a.taskId,
    inspectionDate: a.inspectionDate,
    seed: seedMaterial(a, a.randomness.entities, randomness.entities, randomness.reveal),
    pool,
    strata: inputStrata(a.strata),
    exclusions: { repeatWindowDays: a.exclusions.repeatWindowDays, atCap: a.exclusions.atCap },
  };
  if (inspectors !== undefined && a.inspectors !== null) {
    const { teamSize, maxAssignmentsPerInspector, requiredQualifications, allowedDepartments } = a.inspectors;
    const own = a.randomness.inspectors;
    input.assignment = {
      inspectors, teamSize, maxAssignmentsPerInspector, requiredQualifications, allowedDepartments,
      ...(own ? { seed: seedMaterial(a, own, randomness.inspectors ?? [], randomness.reveal) } : {}),
    };
  }
  return input;
}

export interface AnnouncedDrawParams {
  announcement: Announcement;
  pool: EntityInput[];
  /** The roster snapshot, to draw the inspector phase as well; absent = entities only. */
  inspectors?: InspectorInput[];
  randomness: RecordRandomness;
}

const notAnnounced = (message: string, path: string): DrawError => new DrawError('NOT_AS_ANNOUNCED', message, path);

/** Compares the announced figures with those of the draw. */
function checkFigures(a: Announcement, record: DrawRecord): void {
  const p = record.pool;
  const actual = {
    unstratified: p.unstratified, excludedInactive: p.excludedInactive, excludedRecent: p.excludedRecent, excludedAtCap: p.excludedAtCap, drawable: p.drawable,
    strata: record.strata.map((s) => ({
      id: s.id, matched: s.matched, excludedInactive: s.excludedInactive, excludedRecent: s.excludedRecent, excludedAtCap: s.excludedAtCap,
      drawable: s.drawable, quota: s.quota, capped: s.capped,
    })),
  };
  const d = firstDifference(a.figures, actual, 'announcement.figures');
  if (d) throw notAnnounced(`the pool does not give the announced figures (${describeDifference(d)})`, d.path);
  if (a.exclusions.recentCutoff !== p.recentCutoff) throw notAnnounced(`the announced cutoff is ${a.exclusions.recentCutoff}, the window gives ${p.recentCutoff}`, 'announcement.exclusions.recentCutoff');
}

/**
 * Runs an announced draw (entities, or both phases when `inspectors` is given). Refuses with
 * SOURCE_INVALID when a value does not verify, NOT_AS_ANNOUNCED when the pool or the roster
 * is not the announced one, ANNOUNCEMENT_INVALID when the announcement is malformed.
 */
export function runAnnouncedDraw(params: AnnouncedDrawParams, options: EngineOptions = {}): DrawRecord {
  const sha = options.sha256 ?? nobleSha256;
  const a = validateAnnouncement(params.announcement);
  const digest = announcementDigest(a, options);
  const r = params.randomness;
  if (typeof r !== 'object' || r === null) throw new DrawError('SOURCE_INVALID', 'the values of the announced sources are required', 'randomness');
  const entities = checkEvidence(a.randomness.entities, r.entities, 'randomness.entities');
  const both = params.inspectors !== undefined;
  if (both && a.inspectors === null) throw notAnnounced('the inspector phase was not announced', 'input.assignment');
  const own = both ? a.randomness.inspectors : null;
  const inspectorsEvidence = own ? checkEvidence(own, r.inspectors, 'randomness.inspectors') : null;
  if (!own && r.inspectors !== null && r.inspectors !== undefined) throw new DrawError('SOURCE_INVALID', 'no inspector-phase sources are announced or drawn', 'randomness.inspectors');
  if (a.randomness.commitment === null && r.reveal !== null && r.reveal !== undefined) throw new DrawError('MALFORMED_SEED', 'a secret that was not committed to in the announcement', 'randomness.reveal');
  if (both && a.inspectors) {
    const roster = validateAssignment({ ...a.inspectors, inspectors: params.inspectors! }).inspectors;
    const rd = rosterDigest(roster, sha);
    if (rd !== a.inspectors.roster.digest || roster.length !== a.inspectors.roster.size) {
      throw notAnnounced(`the roster (${roster.length} inspectors, digest ${rd}) is not the announced one (${a.inspectors.roster.size}, ${a.inspectors.roster.digest})`, 'input.assignment.inspectors');
    }
  }
  const randomness: RecordRandomness = { entities, inspectors: inspectorsEvidence, reveal: r.reveal ?? null };
  const input = announcedInput(a, params.pool, params.inspectors, randomness);
  const drawn = drawIn({ spec: SPEC_VERSION_2, scope: digest }, input, options);
  if (drawn.pool.digest !== a.pool.digest || drawn.pool.size !== a.pool.size) {
    throw notAnnounced(`the pool (${drawn.pool.size} entities, digest ${drawn.pool.digest}) is not the announced one (${a.pool.size}, ${a.pool.digest})`, 'pool.digest');
  }
  checkFigures(a, drawn);
  const { spec, seed, pool, strata, assignment, recusals } = drawn;
  return { spec, announcement: a, announcementDigest: digest, randomness, input, seed, pool, strata, assignment, recusals };
}

export interface SourceStatus {
  phase: Phase;
  index: number;
  description: string;
  state: 'ready' | 'waiting' | 'invalid';
  reason: string;
}

/**
 * What a task still waits for before `phase` can be drawn: each announced source of that
 * phase with the value obtained so far (null = none yet), and the reveal when a commitment
 * was announced. Ready only when every source has a verified value.
 */
export function sourcesReady(
  a: Announcement, phase: Phase, values: { entities?: Array<SourceEvidence | null> | null; inspectors?: Array<SourceEvidence | null> | null; reveal?: string | null },
): { ready: boolean; sources: SourceStatus[] } {
  const sources: SourceStatus[] = [];
  const add = (p: Phase, declared: DeclaredSource[], got: Array<SourceEvidence | null> | null | undefined): void => {
    declared.forEach((d, index) => {
      const value = got?.[index] ?? null;
      const problem = value === null ? null : evidenceProblem(d, value);
      const state = value === null ? 'waiting' : problem ? 'invalid' : 'ready';
      sources.push({ phase: p, index, description: describeSource(d), state, reason: value === null ? 'no value yet' : problem ?? 'verified' });
    });
  };
  add('entities', a.randomness.entities, values.entities);
  if (phase === 'inspectors' && a.randomness.inspectors) add('inspectors', a.randomness.inspectors, values.inspectors);
  if (a.randomness.commitment !== null) {
    const reveal = values.reveal ?? null;
    const check = reveal === null ? null : checkReveal(a.randomness.commitment, reveal);
    sources.push({
      phase: 'entities', index: -1, description: 'revealed secret (commit–reveal)',
      state: check === null ? 'waiting' : check.ok ? 'ready' : 'invalid',
      reason: check === null ? 'not revealed yet' : check.ok ? 'matches the commitment' : check.reason,
    });
  }
  return { ready: sources.every((s) => s.state === 'ready'), sources };
}
