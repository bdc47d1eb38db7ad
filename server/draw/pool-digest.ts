// The pool digest: SHA-256 of the canonical pool text, one line per entity in canonical order
// (DRAW-SPEC.md §5.2). It is recorded with the draw, and published before the random values
// are known, so nobody can quietly add or drop an entity afterwards. Writing the same text to
// a file lets anyone check the digest with `sha256sum`. scanPool() has validated and
// dictionary-encoded the fields; this module writes the lines out in canonical order.
import { DrawError } from './errors.js';
import { bytesToHex, nobleSha256, utf8, type Sha256Factory } from './hash.js';
import { CODE_BYTES, sortRecords, STRIDE } from './pool-order.js';
import { entityAt, scanPool, type PoolScan } from './pool-scan.js';
import type { EntityInput } from './types.js';

export const POOL_HEADER = 'ssj-pool/1\n';
const CHUNK = 1 << 20;
const TAB = 9;
const LF = 10;

/** True where typed arrays store words least significant byte first (all mainstream CPUs). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** PAIR[d] = the two code characters of the 10-bit digit pair d, first one in the low byte. */
const PAIR = new Uint16Array(1024);
for (let d = 0; d < 1024; d += 1) PAIR[d] = CODE_BYTES[d >>> 5]! | (CODE_BYTES[d & 31]! << 8);

/**
 * Calls `emit` with successive pieces of the canonical pool text (a reused 1 MiB buffer: copy
 * it to keep it). `sorted` holds the code records in canonical order: the code comes from
 * the record, the other fields from the scan's value table, whose entries already start
 * with their TAB. Five million lines are ~220 MB of text, so bytes are written four at a
 * time where possible: a value is copied as whole 32-bit words (its padding lands past the
 * end of the line so far and is overwritten by what follows), a code as three 6-character
 * groups. When `order` is given, order[p] is set to the input index of the entity at
 * canonical position p, read from the entry this pass reads anyway.
 */
export function emitCanonicalText(scan: PoolScan, sorted: Uint32Array, emit: (chunk: Uint8Array) => void, order?: Uint32Array): void {
  const { size: n, lines, values, valueStart, valueLength } = scan;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
  // Longest possible line: code, the six longest values with their tabs, TAB, an address
  // key, LF, and up to 3 bytes of padding written past the end.
  let longest = 0;
  for (let v = 0; v < valueLength.length; v += 1) longest = Math.max(longest, valueLength[v]!);
  const maxLine = 18 + 6 * longest + 1 + 128 + 1 + 4;
  const buf = new Uint8Array(Math.max(CHUNK, 2 * maxLine));
  const out = new DataView(buf.buffer);
  buf.set(utf8(POOL_HEADER));
  let pos = POOL_HEADER.length;
  for (let p = 0; p < n; p += 1) {
    if (pos + maxLine > buf.length) {
      emit(buf.subarray(0, pos));
      pos = 0;
    }
    const r = STRIDE * p;
    for (let w = 3; w >= 1; w -= 1) {
      const code = sorted[r + w]!; // 30 bits: six characters, two per 10-bit digit pair
      out.setUint32(pos, PAIR[code >>> 20]! | (PAIR[(code >>> 10) & 1023]! << 16), true);
      out.setUint16(pos + 4, PAIR[code & 1023]!, true);
      pos += 6;
    }
    let k = sorted[r]!;
    if (order) order[p] = entityAt(lines, k);
    k += 4;
    for (let f = 0; f < 7; f += 1) {
      let id = lines[k++]!;
      if (id >= 0x80) {
        // Multi-byte varint (ids ≥ 128): kept off the common path.
        id &= 0x7f;
        let scale = 0x80;
        let byte: number;
        do {
          byte = lines[k++]!;
          id += (byte & 0x7f) * scale;
          scale *= 0x80;
        } while (byte & 0x80);
      }
      if (f < 6) {
        const length = valueLength[id]!;
        const from = valueStart[id]! >>> 2;
        for (let c = 0; c < length; c += 4) out.setUint32(pos + c, words[from + (c >>> 2)]!, LITTLE_ENDIAN);
        pos += length;
      } else {
        buf[pos++] = TAB;
        for (let v = 0; v < id; v += 1) buf[pos++] = lines[k++]!; // the address key, ASCII
      }
    }
    buf[pos++] = LF;
  }
  if (pos > 0) emit(buf.subarray(0, pos));
}

/** The pool digest; fills `order` (see emitCanonicalText) when given. */
export function digestScan(scan: PoolScan, sorted: Uint32Array, sha: Sha256Factory, order?: Uint32Array): string {
  const h = sha();
  emitCanonicalText(scan, sorted, (chunk) => h.update(chunk), order);
  return bytesToHex(h.digest());
}

function scanAndSort(pool: EntityInput[]): { scan: PoolScan; sorted: Uint32Array } {
  if (!Array.isArray(pool)) throw new DrawError('INVALID_INPUT', 'the pool must be an array', 'pool');
  const scan = scanPool(pool, null, null);
  return { scan, sorted: sortRecords(scan.records, pool, (entry) => entityAt(scan.lines, entry)) };
}

/** Canonical pool text of a pool (validates it), e.g. to publish next to the digest. */
export function canonicalPoolChunks(pool: EntityInput[]): Uint8Array[] {
  const { scan, sorted } = scanAndSort(pool);
  const chunks: Uint8Array[] = [];
  emitCanonicalText(scan, sorted, (chunk) => chunks.push(chunk.slice()));
  return chunks;
}

/** Pool digest of a pool (validates it): what to publish before the random values exist. */
export function poolDigest(pool: EntityInput[], sha: Sha256Factory = nobleSha256): string {
  const { scan, sorted } = scanAndSort(pool);
  return digestScan(scan, sorted, sha);
}
