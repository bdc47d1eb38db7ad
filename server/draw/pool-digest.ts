// The pool digest: SHA-256 of the canonical pool text, one line per entity in canonical order
// (DRAW-SPEC.md §5.2). It is recorded with the draw, and published before the random values
// are known, so nobody can quietly add or drop an entity afterwards. Writing the same text to
// a file lets anyone check the digest with `sha256sum`. scanPool() has validated and
// dictionary-encoded the fields; this module writes the lines out in canonical order.
import { DrawError } from './errors.js';
import { bytesToHex, nobleSha256, utf8, type Sha256Factory } from './hash.js';
import { sortRecords, STRIDE, writeCode } from './pool-order.js';
import { scanPool, type PoolScan } from './pool-scan.js';
import type { EntityInput } from './types.js';

export const POOL_HEADER = 'ssj-pool/1\n';
const CHUNK = 1 << 20;
const TAB = 9;
const LF = 10;

/**
 * Calls `emit` with successive pieces of the canonical pool text (a reused 1 MiB buffer: copy
 * it to keep it). `sorted` holds the code records in canonical order: the code comes from
 * the record, the other fields from the scan's dictionaries.
 */
export function emitCanonicalText(scan: PoolScan, sorted: Uint32Array, emit: (chunk: Uint8Array) => void): void {
  const { lines, lineStart, dictionaries } = scan;
  const n = lineStart.length - 1;
  // Longest possible line: code, 7 tabs, LF, the longest value of each field, an address key.
  const maxLine = 18 + 8 + 128 + dictionaries.reduce((t, d) => t + d.reduce((m, v) => Math.max(m, v.length), 0), 0);
  const buf = new Uint8Array(Math.max(CHUNK, 2 * maxLine));
  buf.set(utf8(POOL_HEADER));
  let pos = POOL_HEADER.length;
  for (let p = 0; p < n; p += 1) {
    if (pos + maxLine > buf.length) {
      emit(buf.subarray(0, pos));
      pos = 0;
    }
    writeCode(sorted, p, buf, pos);
    pos += 18;
    let k = lineStart[sorted[STRIDE * p]!]!;
    for (let f = 0; f < 7; f += 1) {
      let id = lines[k++]!;
      if (id >= 0x80) {
        // Multi-byte varint (ids ≥ 128): rare, so kept off the common path.
        id &= 0x7f;
        let scale = 0x80;
        let byte: number;
        do {
          byte = lines[k++]!;
          id += (byte & 0x7f) * scale;
          scale *= 0x80;
        } while (byte & 0x80);
      }
      buf[pos++] = TAB;
      if (f < 6) {
        const value = dictionaries[f]![id]!;
        for (let v = 0; v < value.length; v += 1) buf[pos++] = value[v]!;
      } else {
        for (let v = 0; v < id; v += 1) buf[pos++] = lines[k++]!; // the address key, ASCII
      }
    }
    buf[pos++] = LF;
  }
  if (pos > 0) emit(buf.subarray(0, pos));
}

export function digestScan(scan: PoolScan, sorted: Uint32Array, sha: Sha256Factory): string {
  const h = sha();
  emitCanonicalText(scan, sorted, (chunk) => h.update(chunk));
  return bytesToHex(h.digest());
}

function scanAndSort(pool: EntityInput[]): { scan: PoolScan; sorted: Uint32Array } {
  if (!Array.isArray(pool)) throw new DrawError('INVALID_INPUT', 'the pool must be an array', 'pool');
  const scan = scanPool(pool, null, null);
  return { scan, sorted: sortRecords(scan.records, pool) };
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
