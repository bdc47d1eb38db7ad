// Random streams. Each stream is the xor4096 generator of the seedrandom package (R. Brent's
// xorgens with a Weyl sequence, 32-bit integer arithmetic only, so it can be reimplemented
// exactly from DRAW-SPEC.md §4) seeded with a 64-hex-character stream seed. Integers in
// [0, n) come from rejection sampling on the unsigned 32-bit output, never from
// floor(random() * n), whose bias would make some entities likelier than others.
//
// seedrandom is the reference. A draw opens one stream per selected entity (130,000 in a
// provincial draw), and seedrandom.xor4096() builds its 128-word state in a growing JS array
// plus half a dozen closures per stream (~10 µs each); Xor4096 below is the same algorithm,
// line for line, on an Int32Array (~1 µs). It must stay bit-identical to seedrandom: this
// module checks a few streams against seedrandom when it loads and refuses to load if they
// differ, and test/unit/draw/stream.test.ts compares thousands of seeds and outputs.
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

/**
 * seedrandom 3.0.5's xor4096 (lib/xor4096.js, string seeds), transcribed: the state words
 * are the same signed 32-bit values seedrandom keeps in its array, and int32() returns
 * exactly what seedrandom's int32() returns.
 */
export class Xor4096 {
  private readonly X = new Int32Array(128);
  private i: number;
  private w: number;

  constructor(seedText: string) {
    const X = this.X;
    // seedrandom: seed = seed + '\0'; limit = max(128, seed.length); v = 0.
    const seed = `${seedText}\0`;
    const L = seed.length;
    const limit = Math.max(128, L);
    let v = 0;
    let w = 0;
    let zeros = 0;
    for (let j = -32; j < limit; j += 1) {
      v ^= seed.charCodeAt((j + 32) % L);
      if (j === 0) w = v;
      v ^= v << 10;
      v ^= v >>> 15;
      v ^= v << 4;
      v ^= v >>> 13;
      if (j >= 0) {
        w = (w + 0x61c88647) | 0;
        const t = (X[j & 127] = X[j & 127]! ^ (v + w));
        zeros = t === 0 ? zeros + 1 : 0;
      }
    }
    if (zeros >= 128) X[L & 127] = -1;
    // 512 warm-up steps; the Weyl value is not advanced.
    let i = 127;
    for (let j = 4 * 128; j > 0; j -= 1) {
      let a = X[(i + 34) & 127]!;
      i = (i + 1) & 127;
      let t = X[i]!;
      a ^= a << 13;
      t ^= t << 17;
      a ^= a >>> 15;
      t ^= t >>> 12;
      X[i] = a ^ t;
    }
    this.i = i;
    this.w = w;
  }

  /** Next output as a signed 32-bit integer, like seedrandom's `int32()`. */
  int32(): number {
    const X = this.X;
    const w = (this.w = (this.w + 0x61c88647) | 0);
    let v = X[(this.i + 34) & 127]!;
    const i = (this.i = (this.i + 1) & 127);
    let t = X[i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = X[i] = v ^ t;
    return (v + (w ^ (w >>> 16))) | 0;
  }
}

/** A class rather than closures: a draw opens one stream per selected entity. */
class Xor4096Stream implements Stream {
  private readonly gen: Xor4096;
  constructor(seedHex: string) {
    this.gen = new Xor4096(seedHex);
  }

  nextUint32(): number {
    return this.gen.int32() >>> 0;
  }

  below(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && Math.floor(n) === n)) throw new RangeError(`below(${n}): n must be an integer in [1, 2^32]`);
    // Accept u only below the largest multiple of n that fits in 2^32 values, so every
    // residue has exactly the same number of accepted u. q·n is exact in a double (< 2^53),
    // and floor(x / n) is exact for x < 2^52, so this is integer arithmetic without the slow
    // floating-point remainder.
    const limit = Math.floor(TWO_32 / n) * n;
    for (;;) {
      const u = this.gen.int32() >>> 0;
      if (u < limit) return u - Math.floor(u / n) * n;
    }
  }
}

// Fail closed: if this transcription and seedrandom ever disagree (say a changed seedrandom),
// no draw runs. Three seeds, 600 outputs each: well under a millisecond.
for (const seed of ['0'.repeat(64), 'f'.repeat(64), '5e1d0c4b3a29180716f5e4d3c2b1a09f8e7d6c5b4a392817f6e5d4c3b2a19080']) {
  const reference = seedrandom.xor4096(seed);
  const ours = new Xor4096(seed);
  for (let k = 0; k < 600; k += 1) {
    if (reference.int32() !== ours.int32()) throw new Error(`xor4096 differs from seedrandom.xor4096 for seed ${seed} at output ${k}`);
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
  return new Xor4096Stream(seedHex);
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
