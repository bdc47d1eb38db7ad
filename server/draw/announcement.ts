// The announcement of an ssj-draw/2 draw (DRAW-SPEC.md §12, §14): everything that must be
// public before any random value exists — task, pool digest and size, strata and quotas, the
// rounding rule, exclusions (window, cutoff, entities at their cap) and the counts they give,
// the inspector phase's parameters with the roster digest, and the declared random sources —
// and ONE digest over its canonical encoding. Freezing computes it from the task's data;
// validation checks one read from an untrusted record. Pure: the caller supplies the time.
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import { dayNumber, isIsoDate, isoFromDayNumber } from './dates.js';
import { poolFigures } from './draw.js';
import { DrawError } from './errors.js';
import { compareUtf8, nobleSha256, sha256Hex, utf8, type EngineOptions } from './hash.js';
import { isCreditCodeFormat } from './pool-order.js';
import { ratioPpm } from './quota.js';
import { rosterDigest } from './roster-digest.js';
import { validateAssignment } from './roster.js';
import { checkTaskId } from './seed.js';
import { validateStrata } from './strata.js';
import {
  ROUNDING_RULE, SPEC_VERSION_2, type AnnouncedStratum, type Announcement, type AssignmentInput, type DeclaredSource,
  type EntityInput, type StratumInput,
} from './types.js';
import { DRAND_CHAINS, drandRoundAt, drandRoundTime } from '../randomness/drand.js';
import { lotteryGame } from '../randomness/lottery.js';

export const ANNOUNCEMENT_HEADER = 'ssj-announcement/2\n';
const TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Lottery dates are Beijing dates (UTC+8). */
const BEIJING_OFFSET = 8 * 3600;

const invalid = (message: string, path: string): DrawError => new DrawError('ANNOUNCEMENT_INVALID', message, path);

/** Unix seconds of a time written YYYY-MM-DDTHH:MM:SSZ, or null when it is not one. */
export function utcSeconds(text: unknown): number | null {
  const m = typeof text === 'string' ? TIME.exec(text) : null;
  if (!m || !isIsoDate(m[1])) return null;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || min > 59 || s > 59) return null;
  return dayNumber(m[1]!) * 86400 + h * 3600 + min * 60 + s;
}

/** The Beijing calendar date of a unix time. */
export function beijingDate(seconds: number): string {
  return isoFromDayNumber(Math.floor((seconds + BEIJING_OFFSET) / 86400));
}

/** The text whose SHA-256 is the announcement digest: header line, then canonical JSON. */
export function announcementText(announcement: Announcement): string {
  try {
    return ANNOUNCEMENT_HEADER + canonicalJson(announcement);
  } catch (e) {
    if (e instanceof CanonicalJsonError) throw invalid(e.message, e.path ? `announcement.${e.path}` : 'announcement');
    throw e;
  }
}

export function announcementDigest(announcement: Announcement, options: EngineOptions = {}): string {
  return sha256Hex(options.sha256 ?? nobleSha256, utf8(announcementText(announcement)));
}

function exactKeys(value: unknown, keys: readonly string[], path: string, optional: readonly string[] = []): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('must be an object', path);
  for (const key of Object.keys(value)) if (!keys.includes(key) && !optional.includes(key)) throw invalid(`unknown field "${key}"`, path ? `${path}.${key}` : key);
  for (const key of keys) if (!(key in value)) throw invalid(`"${key}" is missing`, path ? `${path}.${key}` : key);
  return value as Record<string, unknown>;
}

const count = (v: unknown, path: string): number => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw invalid('a non-negative integer', path);
  return v as number;
};

/** Announced strata → the draw input's strata (a ratio in ppm becomes the exact decimal). */
export function inputStrata(strata: AnnouncedStratum[]): StratumInput[] {
  return strata.map((s) => {
    const { min, max } = s.quota;
    const base = 'count' in s.quota ? { count: s.quota.count } : { ratio: s.quota.ratioPpm / 1_000_000 };
    return { id: s.id, where: s.where, quota: { ...base, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }, alternates: s.alternates };
  });
}

function validateStrataSection(strata: unknown): void {
  if (!Array.isArray(strata)) throw invalid('must be an array', 'strata');
  strata.forEach((s, i) => {
    const x = exactKeys(s, ['id', 'where', 'quota', 'alternates'], `strata[${i}]`);
    const q = exactKeys(x.quota, [], `strata[${i}].quota`, ['count', 'ratioPpm', 'min', 'max']);
    if (('count' in q) === ('ratioPpm' in q)) throw invalid('give exactly one of count and ratioPpm', `strata[${i}].quota`);
    if ('ratioPpm' in q && (count(q.ratioPpm, `strata[${i}].quota.ratioPpm`) > 1_000_000)) throw invalid('at most 1000000 (100%)', `strata[${i}].quota.ratioPpm`);
    count(x.alternates, `strata[${i}].alternates`);
  });
  try {
    validateStrata(inputStrata(strata as AnnouncedStratum[]));
  } catch (e) {
    if (e instanceof DrawError) throw invalid(e.message, e.path ?? 'strata');
    throw e;
  }
}

/** Checks a declared source against the announcement time (§14.3). */
export function validateDeclaredSource(source: unknown, announcedAt: number, path: string): DeclaredSource {
  const type = (source as { type?: unknown } | null)?.type;
  if (type === 'drand') {
    const x = exactKeys(source, ['type', 'chain', 'round', 'time'], path);
    const chain = DRAND_CHAINS.get(x.chain as string);
    if (!chain) throw invalid(`unknown drand chain ${JSON.stringify(x.chain)}; ssj-draw/2 knows quicknet (${[...DRAND_CHAINS.keys()].join(', ')})`, `${path}.chain`);
    const t = utcSeconds(x.time);
    if (t === null) throw invalid('a time written YYYY-MM-DDTHH:MM:SSZ', `${path}.time`);
    const round = drandRoundAt(chain, t);
    if (x.round !== round) throw invalid(`the first round at or after ${x.time as string} is ${round}, not ${JSON.stringify(x.round)}`, `${path}.round`);
    if (drandRoundTime(chain, round) <= announcedAt) throw invalid(`round ${round} is published before the announcement`, `${path}.round`);
    return x as DeclaredSource;
  }
  if (type === 'lottery') {
    const x = exactKeys(source, ['type', 'game', 'date'], path);
    if (!lotteryGame(x.game)) throw invalid(`unknown lottery game ${JSON.stringify(x.game)}`, `${path}.game`);
    if (!isIsoDate(x.date)) throw invalid('a date written YYYY-MM-DD', `${path}.date`);
    if ((x.date as string) <= beijingDate(announcedAt)) throw invalid('the lottery is drawn on a later (Beijing) day than the announcement', `${path}.date`);
    return x as DeclaredSource;
  }
  throw invalid('a source is {"type": "drand", …} or {"type": "lottery", …}', `${path}.type`);
}

function validateSources(list: unknown, announcedAt: number, path: string): void {
  // A public source is required: commit–reveal alone would let the secret's holder choose.
  if (!Array.isArray(list) || list.length === 0) throw invalid('at least one public random source (drand or lottery)', path);
  list.forEach((s, i) => validateDeclaredSource(s, announcedAt, `${path}[${i}]`));
}

function validateFigures(figures: unknown, strataIds: string[]): void {
  const keys = ['unstratified', 'excludedInactive', 'excludedRecent', 'excludedAtCap', 'drawable'];
  const f = exactKeys(figures, [...keys, 'strata'], 'figures');
  for (const k of keys) count(f[k], `figures.${k}`);
  if (!Array.isArray(f.strata) || f.strata.length !== strataIds.length) throw invalid('one entry per stratum', 'figures.strata');
  f.strata.forEach((s, i) => {
    const x = exactKeys(s, ['id', 'matched', 'excludedInactive', 'excludedRecent', 'excludedAtCap', 'drawable', 'quota', 'capped'], `figures.strata[${i}]`);
    if (x.id !== strataIds[i]) throw invalid(`expected stratum ${JSON.stringify(strataIds[i])}`, `figures.strata[${i}].id`);
    for (const k of ['matched', 'excludedInactive', 'excludedRecent', 'excludedAtCap', 'drawable', 'quota']) count(x[k], `figures.strata[${i}].${k}`);
    if (typeof x.capped !== 'boolean') throw invalid('true or false', `figures.strata[${i}].capped`);
  });
}

/** Validates an announcement read from anywhere; paths are relative to the announcement. */
export function validateAnnouncement(value: unknown): Announcement {
  const a = exactKeys(value, ['spec', 'taskId', 'announcedAt', 'inspectionDate', 'pool', 'strata', 'rounding', 'exclusions', 'figures', 'inspectors', 'randomness'], '');
  if (a.spec !== SPEC_VERSION_2) throw invalid(`must be "${SPEC_VERSION_2}"`, 'spec');
  try {
    checkTaskId(a.taskId);
  } catch (e) {
    throw invalid((e as Error).message, 'taskId');
  }
  const at = utcSeconds(a.announcedAt);
  if (at === null) throw invalid('a time written YYYY-MM-DDTHH:MM:SSZ', 'announcedAt');
  if (!isIsoDate(a.inspectionDate)) throw invalid('a date written YYYY-MM-DD', 'inspectionDate');
  const pool = exactKeys(a.pool, ['digest', 'size'], 'pool');
  if (typeof pool.digest !== 'string' || !HEX64.test(pool.digest)) throw invalid('64 lower-case hex characters', 'pool.digest');
  count(pool.size, 'pool.size');
  validateStrataSection(a.strata);
  if (a.rounding !== ROUNDING_RULE) throw invalid(`must be "${ROUNDING_RULE}" (§6.2)`, 'rounding');
  const ex = exactKeys(a.exclusions, ['repeatWindowDays', 'recentCutoff', 'atCap'], 'exclusions');
  count(ex.repeatWindowDays, 'exclusions.repeatWindowDays');
  if (ex.recentCutoff !== null && !isIsoDate(ex.recentCutoff)) throw invalid('a date or null', 'exclusions.recentCutoff');
  const caps = ex.atCap;
  if (!Array.isArray(caps)) throw invalid('must be an array', 'exclusions.atCap');
  caps.forEach((code, i) => {
    if (!isCreditCodeFormat(code)) throw invalid('not a 统一社会信用代码', `exclusions.atCap[${i}]`);
    if (i > 0 && compareUtf8(caps[i - 1] as string, code) >= 0) throw invalid('credit codes listed once each, in ascending order', `exclusions.atCap[${i}]`);
  });
  validateFigures(a.figures, (a.strata as AnnouncedStratum[]).map((s) => s.id));
  if (a.inspectors !== null) {
    const ins = exactKeys(a.inspectors, ['roster', 'teamSize', 'maxAssignmentsPerInspector', 'requiredQualifications', 'allowedDepartments'], 'inspectors');
    const roster = exactKeys(ins.roster, ['digest', 'size'], 'inspectors.roster');
    if (typeof roster.digest !== 'string' || !HEX64.test(roster.digest)) throw invalid('64 lower-case hex characters', 'inspectors.roster.digest');
    count(roster.size, 'inspectors.roster.size');
    try {
      validateAssignment({ ...ins, inspectors: [] }, 'inspectors');
    } catch (e) {
      throw invalid((e as Error).message, (e as DrawError).path ?? 'inspectors');
    }
  }
  const r = exactKeys(a.randomness, ['entities', 'inspectors', 'commitment'], 'randomness');
  validateSources(r.entities, at, 'randomness.entities');
  if (r.inspectors !== null) {
    if (a.inspectors === null) throw invalid('sources for an inspector phase that is not announced', 'randomness.inspectors');
    validateSources(r.inspectors, at, 'randomness.inspectors');
  }
  if (r.commitment !== null && (typeof r.commitment !== 'string' || !HEX64.test(r.commitment))) throw invalid('64 lower-case hex characters or null', 'randomness.commitment');
  announcementText(value as Announcement); // every string encodable (no control characters)
  return value as Announcement;
}

/** What a task freezes (the task model supplies its frozen pool and roster snapshots). */
export interface FreezeParams {
  taskId: string;
  /** UTC time of publication, YYYY-MM-DDTHH:MM:SSZ (the caller's clock). */
  announcedAt: string;
  inspectionDate: string;
  pool: EntityInput[];
  strata: StratumInput[];
  exclusions?: { repeatWindowDays?: number; atCap?: string[] };
  /** The inspector phase, if it is announced now (its roster snapshot is digested). */
  assignment?: Omit<AssignmentInput, 'seed'>;
  randomness: { entities: DeclaredSource[]; inspectors?: DeclaredSource[] | null; commitment?: string | null };
}

/**
 * Freezes a task: validates it exactly as the draw will, computes the pool digest, the
 * figures (the preview) and the roster digest, and returns the announcement, its canonical
 * text and digest. Throws DrawError (ANNOUNCEMENT_INVALID for the sources and times).
 */
export function freezeAnnouncement(params: FreezeParams, options: EngineOptions = {}): { announcement: Announcement; digest: string; text: string } {
  const sha = options.sha256 ?? nobleSha256;
  const strata: AnnouncedStratum[] = validateStrata(params.strata).map((s, i) => {
    const q = s.quota;
    const base = 'count' in q ? { count: q.count } : { ratioPpm: ratioPpm(q.ratio, `strata[${i}].quota.ratio`) };
    return { id: s.id, where: s.where, quota: { ...base, ...(q.min === undefined ? {} : { min: q.min }), ...(q.max === undefined ? {} : { max: q.max }) }, alternates: s.alternates ?? 0 };
  });
  const atCap = [...(params.exclusions?.atCap ?? [])].sort(compareUtf8);
  const repeatWindowDays = params.exclusions?.repeatWindowDays ?? 0;
  const figures = poolFigures({
    taskId: params.taskId, inspectionDate: params.inspectionDate, seed: { sources: [] }, pool: params.pool,
    strata: inputStrata(strata), exclusions: { repeatWindowDays, atCap },
  }, options);
  let inspectors: Announcement['inspectors'] = null;
  if (params.assignment) {
    const a = validateAssignment({ ...params.assignment });
    inspectors = {
      roster: { digest: rosterDigest(a.inspectors, sha), size: a.inspectors.length },
      teamSize: a.teamSize,
      maxAssignmentsPerInspector: a.maxAssignmentsPerInspector,
      requiredQualifications: [...a.requiredQualifications],
      allowedDepartments: [...a.allowedDepartments],
    };
  }
  const p = figures.pool;
  const announcement: Announcement = {
    spec: SPEC_VERSION_2,
    taskId: params.taskId,
    announcedAt: params.announcedAt,
    inspectionDate: params.inspectionDate,
    pool: { digest: p.digest, size: p.size },
    strata,
    rounding: ROUNDING_RULE,
    exclusions: { repeatWindowDays, recentCutoff: p.recentCutoff, atCap },
    figures: {
      unstratified: p.unstratified, excludedInactive: p.excludedInactive, excludedRecent: p.excludedRecent,
      excludedAtCap: p.excludedAtCap ?? 0, drawable: p.drawable,
      strata: figures.strata.map(({ id, matched, excludedInactive, excludedRecent, excludedAtCap, drawable, quota, capped }) => ({
        id, matched, excludedInactive, excludedRecent, excludedAtCap, drawable, quota, capped,
      })),
    },
    inspectors,
    randomness: { entities: params.randomness.entities, inspectors: params.randomness.inspectors ?? null, commitment: params.randomness.commitment ?? null },
  };
  validateAnnouncement(announcement);
  const text = announcementText(announcement);
  return { announcement, digest: sha256Hex(sha, utf8(text)), text };
}
