// Canonical order of the candidate pool: ascending by credit code in byte order, duplicates
// refused (DRAW-SPEC.md §5.1). Credit codes use 31 ASCII characters whose alphabetical order
// is their byte order, so each code packs into three 30-bit words (six characters of five
// bits each). Records [index, lo, mid, hi] are sorted by an LSD radix sort that moves whole
// records, so every pass reads sequentially: five million codes sort in about a second,
// where comparing the strings takes tens of seconds.
import { DrawError } from './errors.js';
import type { EntityInput } from './types.js';

/** GB 32100-2015 alphabet in byte order: digits, then A–Y without I, O, S, V, Z. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Words per record: the entity's input index, then the low, middle and high code words. */
export const STRIDE = 4;

/** Value of each UTF-16 code unit in the alphabet, −1 if not in it (64 KiB: no bounds case). */
const CHAR_VALUE = new Int8Array(65536).fill(-1);
for (let v = 0; v < CREDIT_CODE_ALPHABET.length; v += 1) CHAR_VALUE[CREDIT_CODE_ALPHABET.charCodeAt(v)] = v;
/** ASCII byte of each character value 0–30. */
export const CODE_BYTES = Uint8Array.from(CREDIT_CODE_ALPHABET, (c) => c.charCodeAt(0));

/** Format check only (length and alphabet); the check digit is the roster importer's job. */
export function isCreditCodeFormat(code: unknown): code is string {
  if (typeof code !== 'string' || code.length !== 18) return false;
  for (let i = 0; i < 18; i += 1) {
    const c = code.charCodeAt(i);
    if (c >= 128 || CHAR_VALUE[c]! < 0) return false;
  }
  return true;
}

function badCode(code: unknown, i: number): DrawError {
  if (typeof code !== 'string' || code.length !== 18) {
    return new DrawError('INVALID_CREDIT_CODE', `expected an 18-character 统一社会信用代码, got ${JSON.stringify(code)}`, `pool[${i}].creditCode`);
  }
  const k = [...code].findIndex((ch) => !isCreditCodeFormat(`${ch}${'0'.repeat(17)}`));
  return new DrawError('INVALID_CREDIT_CODE', `character ${JSON.stringify(code[k])} is not allowed in a 统一社会信用代码`, `pool[${i}].creditCode`);
}

/** Six characters from `from` as one 30-bit word, or −1 if one is not in the alphabet. */
function word(code: string, from: number): number {
  let w = 0;
  let bad = 0;
  for (let k = from; k < from + 6; k += 1) {
    const v = CHAR_VALUE[code.charCodeAt(k)]!;
    bad |= v;
    w = w * 32 + v;
  }
  return bad < 0 ? -1 : w;
}

/**
 * Validates entity i's credit code and writes its record at records[STRIDE·i]; the record's
 * first word is `payload` (the index i unless the caller keeps something else there).
 */
export function packCode(code: unknown, i: number, records: Uint32Array, payload = i): void {
  if (typeof code !== 'string' || code.length !== 18) throw badCode(code, i);
  const hi = word(code, 0);
  const mid = word(code, 6);
  const lo = word(code, 12);
  if (hi < 0 || mid < 0 || lo < 0) throw badCode(code, i);
  const at = STRIDE * i;
  records[at] = payload;
  records[at + 1] = lo;
  records[at + 2] = mid;
  records[at + 3] = hi;
}

function isSorted(records: Uint32Array, n: number): boolean {
  for (let r = 1; r < n; r += 1) {
    const x = STRIDE * (r - 1);
    const y = STRIDE * r;
    if (records[x + 3] !== records[y + 3]) { if (records[x + 3]! > records[y + 3]!) return false; continue; }
    if (records[x + 2] !== records[y + 2]) { if (records[x + 2]! > records[y + 2]!) return false; continue; }
    if (records[x + 1]! > records[y + 1]!) return false;
  }
  return true;
}

const RADIX_BITS = 10;
const RADIX = 1 << RADIX_BITS;
const MASK = RADIX - 1;

/**
 * Nine stable counting-sort passes, 10 bits each, least significant first. The nine digit
 * histograms are counted in one read of the records rather than one read per pass.
 */
function radixSort(records: Uint32Array, n: number): Uint32Array {
  const end = STRIDE * n;
  const PASSES = 9;
  const counts = new Uint32Array(PASSES * RADIX);
  for (let i = 0; i < end; i += STRIDE) {
    const lo = records[i + 1]!;
    const mid = records[i + 2]!;
    const hi = records[i + 3]!;
    counts[lo & MASK]! += 1;
    counts[RADIX + ((lo >>> 10) & MASK)]! += 1;
    counts[2 * RADIX + (lo >>> 20)]! += 1;
    counts[3 * RADIX + (mid & MASK)]! += 1;
    counts[4 * RADIX + ((mid >>> 10) & MASK)]! += 1;
    counts[5 * RADIX + (mid >>> 20)]! += 1;
    counts[6 * RADIX + (hi & MASK)]! += 1;
    counts[7 * RADIX + ((hi >>> 10) & MASK)]! += 1;
    counts[8 * RADIX + (hi >>> 20)]! += 1;
  }
  let cur: Uint32Array = records;
  let next: Uint32Array | null = null;
  for (let pass = 0; pass < PASSES; pass += 1) {
    const word = 1 + Math.floor(pass / 3);
    const shift = RADIX_BITS * (pass % 3);
    const count = counts.subarray(pass * RADIX, (pass + 1) * RADIX);
    // A digit shared by every code (the leading "91", a common region…) changes nothing.
    if (count[(cur[word]! >>> shift) & MASK] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d += 1) { const c = count[d]!; count[d] = sum; sum += c * STRIDE; }
    next ??= new Uint32Array(records.length);
    for (let i = 0; i < end; i += STRIDE) {
      const d = (cur[i + word]! >>> shift) & MASK;
      const at = count[d]!;
      count[d] = at + STRIDE;
      next[at] = cur[i]!; next[at + 1] = cur[i + 1]!; next[at + 2] = cur[i + 2]!; next[at + 3] = cur[i + 3]!;
    }
    [cur, next] = [next, cur];
  }
  return cur;
}

/**
 * Sorts the records of all n entities into canonical order (possibly into a new buffer,
 * which is returned; `records` may be overwritten) and refuses duplicate codes. `indexOf`
 * turns a record's first word into the entity's input index, for the error message.
 */
export function sortRecords(records: Uint32Array, pool: EntityInput[], indexOf: (payload: number) => number = (i) => i): Uint32Array {
  const n = pool.length;
  // Pools read from a database index often arrive sorted; checking is one sequential pass.
  const sorted = isSorted(records, n) ? records : radixSort(records, n);
  for (let r = 1; r < n; r += 1) {
    const x = STRIDE * (r - 1);
    const y = STRIDE * r;
    if (sorted[x + 1] === sorted[y + 1] && sorted[x + 2] === sorted[y + 2] && sorted[x + 3] === sorted[y + 3]) {
      const [a, b] = [indexOf(sorted[x]!), indexOf(sorted[y]!)].sort((u, v) => u - v);
      throw new DrawError('DUPLICATE_ENTITY', `credit code ${pool[b!]!.creditCode} also appears at pool[${a}]`, `pool[${b}].creditCode`);
    }
  }
  return sorted;
}

/** order[p] = input index of the entity at canonical position p. */
export function orderOf(sorted: Uint32Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p += 1) order[p] = sorted[STRIDE * p]!;
  return order;
}

/** Canonical order of a pool on its own (validates the credit codes, refuses duplicates). */
export function canonicalOrder(pool: EntityInput[]): Uint32Array {
  if (!Array.isArray(pool)) throw new DrawError('INVALID_INPUT', 'the pool must be an array', 'pool');
  const records = new Uint32Array(STRIDE * pool.length);
  for (let i = 0; i < pool.length; i += 1) {
    const e = pool[i];
    packCode(typeof e === 'object' && e !== null ? e.creditCode : undefined, i, records);
  }
  return orderOf(sortRecords(records, pool), pool.length);
}
