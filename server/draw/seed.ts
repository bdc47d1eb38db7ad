// Seed material → keys. Owns the RFC 3797-style canonical key built from public random values,
// the commit–reveal check, the derived key of a draw and the per-stream seeds (DRAW-SPEC.md §3).
// Everything fed in here must have been published before the random values existed; the
// task id is included so two tasks that use the same beacon round do not draw alike.
import { DrawError } from './errors.js';
import { hexBytes, sha256Hex, utf8, type Sha256Factory } from './hash.js';
import { textProblem } from './text.js';
import { SPEC_VERSION, type SeedMaterial, type SeedResult, type SeedSource, type SpecVersion } from './types.js';

const DIGITS = /^[0-9]+$/;
const ALNUM = /^[0-9A-Za-z]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const REVEAL = /^(?:[0-9a-f]{2}){16,64}$/;

function canonicalNumber(raw: unknown, path: string): string {
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw) || raw < 0) throw new DrawError('MALFORMED_SEED', 'numbers must be non-negative integers (use a digit string above 2^53)', path);
    text = String(raw);
  } else if (typeof raw === 'string' && DIGITS.test(raw)) {
    text = raw.replace(/^0+(?=\d)/, '');
  } else {
    throw new DrawError('MALFORMED_SEED', `not a non-negative integer: ${JSON.stringify(raw)}`, path);
  }
  return text;
}

/** Numeric order of canonical decimal strings (no leading zeros): shorter is smaller. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sourceValues(source: SeedSource, path: string): string[] {
  if (typeof source !== 'object' || source === null) throw new DrawError('MALFORMED_SEED', 'a source must be an object', path);
  const hasNumbers = 'numbers' in source;
  const hasValues = 'values' in source;
  if (hasNumbers === hasValues) throw new DrawError('MALFORMED_SEED', 'a source has either "numbers" or "values"', path);
  const list: unknown = hasNumbers ? source.numbers : source.values;
  if (!Array.isArray(list) || list.length === 0) throw new DrawError('MALFORMED_SEED', 'a source needs at least one value', path);
  if (hasNumbers) {
    return list.map((v, i) => canonicalNumber(v, `${path}.numbers[${i}]`)).sort(compareDecimal);
  }
  return list.map((v, i) => {
    if (typeof v !== 'string' || !ALNUM.test(v)) throw new DrawError('MALFORMED_SEED', 'values are ASCII letters and digits', `${path}.values[${i}]`);
    return v.toLowerCase();
  }).sort();
}

/**
 * RFC 3797 §4 key: for each source in declared order, its values sorted ascending, each
 * followed by ".", then "/". String values are lower-cased and sorted by byte order.
 */
export function canonicalKey(sources: SeedSource[], path = 'seed.sources'): string {
  if (!Array.isArray(sources) || sources.length === 0) throw new DrawError('MALFORMED_SEED', 'at least one public random source is required', path);
  let key = '';
  sources.forEach((source, i) => {
    for (const v of sourceValues(source, `${path}[${i}]`)) key += `${v}.`;
    key += '/';
  });
  return key;
}

/** Checks a revealed secret against its published commitment (hex SHA-256 of the secret's bytes). */
export function checkCommitment(seed: SeedMaterial, sha: Sha256Factory, path = 'seed'): boolean {
  const { commitment, reveal } = seed;
  if (commitment === undefined && reveal === undefined) return false;
  if (commitment === undefined) throw new DrawError('MALFORMED_SEED', 'a revealed secret needs a commitment published before the draw', `${path}.reveal`);
  if (typeof commitment !== 'string' || !HEX64.test(commitment)) throw new DrawError('MALFORMED_SEED', 'the commitment is 64 lower-case hex characters', `${path}.commitment`);
  if (reveal === undefined) throw new DrawError('MALFORMED_SEED', 'the commitment was given but the secret was not revealed', `${path}.reveal`);
  if (typeof reveal !== 'string' || !REVEAL.test(reveal)) throw new DrawError('MALFORMED_SEED', 'the secret is 32 to 128 lower-case hex characters', `${path}.reveal`);
  const actual = sha256Hex(sha, hexBytes(reveal));
  if (actual !== commitment) throw new DrawError('COMMITMENT_MISMATCH', `SHA-256 of the revealed secret is ${actual}, the published commitment is ${commitment}`, `${path}.reveal`);
  return true;
}

export function checkTaskId(taskId: unknown): string {
  if (typeof taskId !== 'string' || textProblem(taskId, 128, 1) !== null) throw new DrawError('INVALID_INPUT', '1 to 128 characters, no control characters', 'taskId');
  return taskId;
}

/**
 * derivedKey = hex SHA-256 of UTF-8(spec LF scope LF phase LF canonicalKey LF reveal), phase
 * being "entities" or "inspectors" and scope the task id ("ssj-draw/1") or the announcement
 * digest ("ssj-draw/2", which binds every stream to everything announced).
 */
export function resolveSeed(
  scope: string, seed: SeedMaterial, phase: 'entities' | 'inspectors', sha: Sha256Factory, path = 'seed', spec: SpecVersion = SPEC_VERSION,
): SeedResult {
  if (typeof seed !== 'object' || seed === null) throw new DrawError('MALFORMED_SEED', 'seed material is required', path);
  const key = canonicalKey(seed.sources, `${path}.sources`);
  const verified = checkCommitment(seed, sha, path);
  const text = `${spec}\n${scope}\n${phase}\n${key}\n${verified ? seed.reveal : ''}`;
  return { canonicalKey: key, commitmentVerified: verified, derivedKey: sha256Hex(sha, utf8(text)) };
}

/** The seed of one random stream: hex SHA-256 of UTF-8(derivedKey ‖ label). */
export function streamSeed(derivedKey: string, label: string, sha: Sha256Factory): string {
  return sha256Hex(sha, utf8(derivedKey + label));
}
