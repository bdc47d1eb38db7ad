// SHA-256 and text encoding shared by the engine. The hash is injectable because the pure-JS
// implementation (@noble/hashes, which the browser bundle needs) hashes ~90 MB/s while a
// native one is an order of magnitude faster on multi-million-entity pools; both must give
// identical bytes, which test/unit/draw/hash.test.ts checks.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface Sha256Hasher {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type Sha256Factory = () => Sha256Hasher;

/** Pure-JS SHA-256, usable in the browser. */
export const nobleSha256: Sha256Factory = () => sha256.create();

export interface EngineOptions {
  /** SHA-256 implementation; defaults to the pure-JS one. */
  sha256?: Sha256Factory;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function sha256Hex(factory: Sha256Factory, ...parts: Uint8Array[]): string {
  const h = factory();
  for (const p of parts) h.update(p);
  return bytesToHex(h.digest());
}

export { bytesToHex };

/** Lower-case hex to bytes; the caller has already checked the text is even-length hex. */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Compares strings by their UTF-8 bytes (= by Unicode code points). JavaScript's `<` compares
 * UTF-16 code units, which orders characters above U+FFFF before U+E000–U+FFFF: a verifier in
 * another language sorting bytes would disagree, so every canonical order uses this.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) stand for code points above 0xFFFF: rank them above 0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const ys = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return xs < ys ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
