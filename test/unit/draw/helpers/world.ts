// Deterministic builders for draw-engine tests: credit codes, pools, inspectors and inputs.
// Each test builds its own data; nothing here is random, so every run sees the same draws.
import type { AssignmentInput, DrawInput, EngineOptions, EntityInput, InspectorInput, StratumInput } from '../../../../server/draw/index.js';
import { nodeSha256 } from '../../../../server/draw/node-sha256.js';

/**
 * Native SHA-256 for loops of many draws. Mocha loads these .ts files as CommonJS through
 * tsx, which turns every call inside the ESM-only @noble/hashes into a getter lookup and
 * makes the pure-JS hash ~10× slower than in production; the golden tests prove both hashes
 * give identical records.
 */
export const FAST: EngineOptions = { sha256: nodeSha256 };

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * The i-th credit code of a region, with a valid GB 32100 check character. Codes of one
 * region sort in the order of i, so canonical position = i in single-region pools.
 */
export function creditCode(i: number, region = '430302'): string {
  let body = `91${region}`;
  let rest = '';
  let x = i;
  for (let k = 0; k < 9; k += 1) {
    rest = ALPHABET[x % 31] + rest;
    x = Math.floor(x / 31);
  }
  body += rest;
  let sum = 0;
  for (let k = 0; k < 17; k += 1) sum += ALPHABET.indexOf(body[k]!) * WEIGHTS[k]!;
  return body + ALPHABET[(31 - (sum % 31)) % 31];
}

export function makePool(n: number, attrs: (i: number) => Partial<EntityInput> = () => ({}), region = '430302'): EntityInput[] {
  return Array.from({ length: n }, (_, i) => ({ creditCode: creditCode(i, region), status: '存续', riskClass: 'B', ...attrs(i) }));
}

export function inspector(id: string, overrides: Partial<InspectorInput> = {}): InspectorInput {
  return {
    id,
    department: '市场监管局',
    status: '有效',
    certificates: [{ validFrom: '2024-01-01', validUntil: '2027-12-31' }],
    qualifications: ['执法证'],
    ...overrides,
  };
}

export function roster(n: number, prefix = 'I'): InspectorInput[] {
  return Array.from({ length: n }, (_, i) => inspector(`${prefix}${String(i).padStart(3, '0')}`));
}

export function assignment(inspectors: InspectorInput[], overrides: Partial<AssignmentInput> = {}): AssignmentInput {
  return {
    inspectors,
    teamSize: 2,
    maxAssignmentsPerInspector: 1000,
    requiredQualifications: ['执法证'],
    allowedDepartments: ['市场监管局'],
    ...overrides,
  };
}

export function oneStratum(quota: StratumInput['quota'], alternates = 0): StratumInput[] {
  return [{ id: 'all', where: {}, quota, alternates }];
}

/** A minimal valid input; `seed` varies the public random values between draws. */
export function baseInput(overrides: Partial<DrawInput> = {}, seed = 1): DrawInput {
  return {
    taskId: 'TEST-001',
    inspectionDate: '2025-07-01',
    seed: { sources: [{ numbers: [seed, 7, 42] }] },
    pool: makePool(20),
    strata: oneStratum({ count: 5 }),
    ...overrides,
  };
}

/** Catches a synchronous throw and returns it (fails the test if nothing is thrown). */
export function thrown(fn: () => unknown): Error & { code?: string; path?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw, got none');
}
