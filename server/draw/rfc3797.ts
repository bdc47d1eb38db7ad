// RFC 3797 compatibility mode: the IETF NomCom selection algorithm, reproduced exactly so that
// a reader can check this code against the RFC's own worked example before trusting the rest
// (DRAW-SPEC.md §10). It is not used by draw(): MD5 and a shrinking list are fine for ten
// picks from a hundred volunteers but not for millions of entities.
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DrawError } from './errors.js';
import { utf8 } from './hash.js';
import { canonicalKey } from './seed.js';

/** The RFC 3797 key for numeric sources, e.g. [[9319], [2, 5, 8, 10, 12], …]. */
export function rfc3797Key(sources: Array<Array<number | string>>): string {
  return canonicalKey(sources.map((numbers) => ({ numbers })));
}

export interface Rfc3797Pick {
  /** 0-based index of the hash. */
  i: number;
  /** MD5 of (i as 2 bytes ‖ key ‖ i as 2 bytes), upper-case hex as printed in the RFC. */
  hash: string;
  /** 1-based number of the chosen pool member. */
  pick: number;
}

/**
 * Selects `count` members of the pool 1 … poolSize: for i = 0, 1, …, H = MD5(i ‖ key ‖ i) with i
 * as a 16-bit big-endian integer, read as a 128-bit big-endian integer; the chosen member is
 * the (H mod remaining)+1-th of those not yet chosen, in ascending order.
 */
export function rfc3797Select(key: string, poolSize: number, count: number): Rfc3797Pick[] {
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new DrawError('INVALID_INPUT', 'pool size must be a positive integer', 'poolSize');
  if (!Number.isInteger(count) || count < 0 || count > poolSize || count > 65536) {
    throw new DrawError('INVALID_INPUT', 'count must be an integer in [0, min(poolSize, 65536)]', 'count');
  }
  const keyBytes = utf8(key);
  const remaining = Array.from({ length: poolSize }, (_, k) => k + 1);
  const picks: Rfc3797Pick[] = [];
  for (let i = 0; i < count; i += 1) {
    const message = new Uint8Array(keyBytes.length + 4);
    message[0] = i >> 8;
    message[1] = i & 0xff;
    message.set(keyBytes, 2);
    message[keyBytes.length + 2] = i >> 8;
    message[keyBytes.length + 3] = i & 0xff;
    const hex = bytesToHex(md5(message));
    const index = Number(BigInt(`0x${hex}`) % BigInt(remaining.length));
    const [pick] = remaining.splice(index, 1);
    picks.push({ i, hash: hex.toUpperCase(), pick: pick! });
  }
  return picks;
}
