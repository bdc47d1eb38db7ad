// Quotas: how many entities a stratum draws. Rounding is per stratum, round half up, on exact
// integers (DRAW-SPEC.md §6.2): a ratio is read as a whole number of parts per million, so
// 3% of 1,250 is exactly 37.5 → 38 in every language, and one stratum's count never depends
// on another's (unlike largest-remainder apportionment of a total).
import { DrawError } from './errors.js';
import type { Quota } from './types.js';

const MILLION = 1_000_000;

function expectCount(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new DrawError('INVALID_QUOTA', 'must be a non-negative integer', path);
  return value as number;
}

/** The ratio as an integer number of parts per million; more than 6 decimals is refused. */
export function ratioPpm(ratio: unknown, path: string): number {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new DrawError('INVALID_QUOTA', 'a ratio is a number between 0 and 1', path);
  }
  const ppm = Math.round(ratio * MILLION);
  if (ppm / MILLION !== ratio) throw new DrawError('INVALID_QUOTA', 'a ratio has at most 6 decimal places', path);
  return ppm;
}

export function validateQuota(quota: unknown, path: string): Quota {
  if (typeof quota !== 'object' || quota === null) throw new DrawError('INVALID_QUOTA', 'a quota is {count} or {ratio}, with optional min and max', path);
  const q = quota as Record<string, unknown>;
  for (const key of Object.keys(q)) {
    if (!['count', 'ratio', 'min', 'max'].includes(key)) throw new DrawError('INVALID_QUOTA', `unknown quota field "${key}"`, `${path}.${key}`);
  }
  if (('count' in q) === ('ratio' in q)) throw new DrawError('INVALID_QUOTA', 'give exactly one of count and ratio', path);
  if ('count' in q) expectCount(q.count, `${path}.count`);
  else ratioPpm(q.ratio, `${path}.ratio`);
  const min = q.min === undefined ? undefined : expectCount(q.min, `${path}.min`);
  const max = q.max === undefined ? undefined : expectCount(q.max, `${path}.max`);
  if (min !== undefined && max !== undefined && min > max) throw new DrawError('INVALID_QUOTA', 'min is greater than max', path);
  return quota as Quota;
}

/** round half up of ppm × n / 10^6, in exact integer arithmetic (ppm × n < 2^53 for n < 9·10^9). */
export function roundRatio(ppm: number, n: number): number {
  return Math.floor((ppm * n + MILLION / 2) / MILLION);
}

/**
 * The stratum's quota before capping: the count, or the rounded ratio of the drawable
 * population, then raised to min and lowered to max. The caller caps it at the population.
 */
export function quotaFor(quota: Quota, drawable: number): number {
  let k = 'count' in quota ? quota.count : roundRatio(ratioPpm(quota.ratio, 'quota.ratio'), drawable);
  if (quota.min !== undefined) k = Math.max(k, quota.min);
  if (quota.max !== undefined) k = Math.min(k, quota.max);
  return k;
}
