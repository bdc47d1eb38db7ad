// Strata (DRAW-SPEC.md §6.1): validation of their definitions, compilation of the conditions
// into bit masks (one bit per stratum, computed once per distinct attribute value, so five
// million entities cost a few AND operations each instead of sixty condition evaluations),
// and the grouping of drawable entities by stratum in canonical order. An entity belongs to
// the first stratum, in declared order, whose condition it meets.
import { DrawError } from './errors.js';
import { AT_CAP, DRAWABLE, INACTIVE, RECENT, STATE_MASK, UNSTRATIFIED, type PoolScan } from './pool-scan.js';
import { validateQuota } from './quota.js';
import { textProblem } from './text.js';
import type { StratumCondition, StratumInput } from './types.js';

export const STRATUM_ATTRIBUTES = ['riskClass', 'industry', 'region', 'specialRoster'] as const;
const STRATUM_ID = /^[^\s/\u0000-\u001f\u007f]+$/u;
const MAX_STRATA = 1000;

export function validateStrata(strata: unknown): StratumInput[] {
  if (!Array.isArray(strata) || strata.length === 0) throw new DrawError('INVALID_INPUT', 'at least one stratum is required', 'strata');
  if (strata.length > MAX_STRATA) throw new DrawError('INVALID_INPUT', `at most ${MAX_STRATA} strata`, 'strata');
  const seen = new Set<string>();
  strata.forEach((s: unknown, i) => {
    const path = `strata[${i}]`;
    if (typeof s !== 'object' || s === null) throw new DrawError('INVALID_INPUT', 'a stratum is an object', path);
    const { id, where, quota, alternates } = s as StratumInput;
    if (typeof id !== 'string' || !STRATUM_ID.test(id) || textProblem(id, 64, 1) !== null) throw new DrawError('INVALID_INPUT', '1 to 64 characters without spaces or "/"', `${path}.id`);
    if (seen.has(id)) throw new DrawError('DUPLICATE_STRATUM', `stratum id "${id}" is used twice`, `${path}.id`);
    seen.add(id);
    validateCondition(where, `${path}.where`);
    validateQuota(quota, `${path}.quota`);
    if (alternates !== undefined && (!Number.isSafeInteger(alternates) || alternates < 0)) {
      throw new DrawError('INVALID_INPUT', 'alternates is a non-negative integer', `${path}.alternates`);
    }
  });
  return strata as StratumInput[];
}

function validateCondition(where: unknown, path: string): void {
  if (typeof where !== 'object' || where === null || Array.isArray(where)) throw new DrawError('INVALID_INPUT', 'a condition is an object ({} matches all)', path);
  for (const [attr, values] of Object.entries(where)) {
    if (!(STRATUM_ATTRIBUTES as readonly string[]).includes(attr)) {
      throw new DrawError('UNKNOWN_STRATUM_ATTRIBUTE', `unknown attribute "${attr}"; strata use ${STRATUM_ATTRIBUTES.join(', ')}`, `${path}.${attr}`);
    }
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string' && v !== '')) {
      throw new DrawError('INVALID_INPUT', 'a non-empty list of non-empty strings', `${path}.${attr}`);
    }
    if (attr === 'riskClass' && !values.every((v) => ['A', 'B', 'C', 'D'].includes(v))) {
      throw new DrawError('INVALID_INPUT', 'risk classes are A, B, C, D', `${path}.${attr}`);
    }
  }
}

export interface StratumCounts {
  matched: number;
  excludedInactive: number;
  excludedRecent: number;
  /** Always 0 in ssj-draw/1, which has no cap list. */
  excludedAtCap: number;
  drawable: number;
}

export interface Classification {
  counts: StratumCounts[];
  /** Canonical positions of drawable entities, grouped by stratum, canonical order within. */
  members: Uint32Array;
  /** Stratum s owns members[offsets[s] … offsets[s+1]). */
  offsets: Uint32Array;
  unstratified: number;
}

export interface StrataMatcher {
  /** Number of 32-bit words per mask. */
  words: number;
  /** Strata compatible with this value of riskClass, industry or region ('' = absent). */
  scalarMask(attr: 'riskClass' | 'industry' | 'region', value: string): Uint32Array;
  /** Strata compatible with an entity on exactly these special rosters. */
  rosterMask(names: string[]): Uint32Array;
  /** Index of the first stratum whose bit is set, or −1. */
  first(mask: Uint32Array): number;
}

const setBit = (mask: Uint32Array, k: number): void => { mask[k >>> 5]! |= 1 << (k & 31); };

export function compileStrata(strata: StratumInput[]): StrataMatcher {
  const S = strata.length;
  const words = Math.ceil(S / 32);
  const scalarMask = (attr: 'riskClass' | 'industry' | 'region', value: string): Uint32Array => {
    const mask = new Uint32Array(words);
    strata.forEach((s, k) => {
      const cond: readonly string[] | undefined = s.where[attr];
      const ok = !cond || (value !== '' && (attr === 'industry' ? cond.some((p) => value.startsWith(p)) : cond.includes(value)));
      if (ok) setBit(mask, k);
    });
    return mask;
  };
  const rosterMask = (names: string[]): Uint32Array => {
    const mask = new Uint32Array(words);
    strata.forEach((s, k) => {
      const cond: StratumCondition['specialRoster'] = s.where.specialRoster;
      if (!cond || names.some((n) => cond.includes(n))) setBit(mask, k);
    });
    return mask;
  };
  const first = (mask: Uint32Array): number => {
    for (let w = 0; w < words; w += 1) {
      const bits = mask[w]!;
      if (bits !== 0) return w * 32 + 31 - Math.clz32(bits & -bits);
    }
    return -1;
  };
  return { words, scalarMask, rosterMask, first };
}

/** Counts per stratum and the drawable members of each, in canonical order. */
export function classify(scan: PoolScan, order: Uint32Array, strataCount: number): Classification {
  const { placement } = scan;
  if (!placement) throw new Error('classify() needs a scan made with a strata matcher');
  // Counting does not depend on order: go through the array sequentially. byPlacement[8s + state].
  const byPlacement = new Float64Array(8 * strataCount + 8);
  for (let i = 0; i < placement.length; i += 1) byPlacement[placement[i]!]! += 1;
  const unstratified = byPlacement[UNSTRATIFIED]!; // placement of every unstratified entity
  const counts: StratumCounts[] = Array.from({ length: strataCount }, (_, s) => {
    const drawable = byPlacement[8 * s + DRAWABLE]!;
    const excludedInactive = byPlacement[8 * s + INACTIVE]!;
    const excludedRecent = byPlacement[8 * s + RECENT]!;
    const excludedAtCap = byPlacement[8 * s + AT_CAP]!;
    return { matched: drawable + excludedInactive + excludedRecent + excludedAtCap, excludedInactive, excludedRecent, excludedAtCap, drawable };
  });
  const offsets = new Uint32Array(strataCount + 1);
  for (let s = 0; s < strataCount; s += 1) offsets[s + 1] = offsets[s]! + counts[s]!.drawable;
  const members = new Uint32Array(offsets[strataCount]!);
  // fill[8s + DRAWABLE] is the next free slot of stratum s; other states are never written.
  const fill = new Uint32Array(8 * strataCount);
  for (let s = 0; s < strataCount; s += 1) fill[8 * s + DRAWABLE] = offsets[s]!;
  for (let p = 0; p < order.length; p += 1) {
    const x = placement[order[p]!]!;
    if ((x & STATE_MASK) === DRAWABLE) members[fill[x]!++] = p;
  }
  return { counts, members, offsets, unstratified };
}
