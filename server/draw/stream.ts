// Random streams. Each stream is seedrandom's named xor4096 generator (R. Brent's xorgens with
// a Weyl sequence, 32-bit integer arithmetic only, so it can be reimplemented exactly from
// DRAW-SPEC.md §4) seeded with a 64-hex-character stream seed. Integers in [0, n) come from
// rejection sampling on the unsigned 32-bit output, never from floor(random() * n), whose
// bias would make some entities likelier than others.
import seedrandom from 'seedrandom';
import { DrawError } from './errors.js';

const SEED = /^[0-9a-f]{64}$/;
const TWO_32 = 4294967296;

export interface Stream {
  /** Next output of the generator as an unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n), 1 ≤ n ≤ 2^32, by rejection sampling. */
  below(n: number): number;
}

/** A class rather than closures: a draw opens one stream per selected entity. */
class Xor4096Stream implements Stream {
  constructor(private readonly next: () => number) {}

  nextUint32(): number {
    return this.next() >>> 0;
  }

  below(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && Math.floor(n) === n)) throw new RangeError(`below(${n}): n must be an integer in [1, 2^32]`);
    // Accept u only below the largest multiple of n that fits in 2^32 values, so every
    // residue has exactly the same number of accepted u. q·n is exact in a double (< 2^53),
    // and floor(x / n) is exact for x < 2^52, so this is integer arithmetic without the slow
    // floating-point remainder.
    const limit = Math.floor(TWO_32 / n) * n;
    for (;;) {
      const u = this.next() >>> 0;
      if (u < limit) return u - Math.floor(u / n) * n;
    }
  }
}

/**
 * Opens a stream. The seed must be exactly 64 lower-case hex characters: this guards against
 * seedrandom's silent fallbacks (an undefined seed becomes the time, or the string
 * "undefined" for some generators) and makes the seed string's characters single bytes.
 */
export function openStream(seedHex: string): Stream {
  if (typeof seedHex !== 'string' || !SEED.test(seedHex)) {
    throw new DrawError('MALFORMED_SEED', `stream seed must be 64 lower-case hex characters, got ${JSON.stringify(seedHex)}`);
  }
  return new Xor4096Stream(seedrandom.xor4096(seedHex).int32);
}

/**
 * Partial Fisher–Yates: for i = 0 … steps−1, j = i + below(length − i), swap a[i] and a[j].
 * Afterwards a[0 … steps−1] is a uniformly random ordered sample without replacement.
 */
export function partialShuffle(a: Uint32Array | Int32Array, steps: number, stream: Stream): void {
  const n = a.length;
  for (let i = 0; i < steps; i += 1) {
    const j = i + stream.below(n - i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
