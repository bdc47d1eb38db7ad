// Random streams: the generator is exactly seedrandom's xor4096 (the engine's in-module
// transcription is compared with the seedrandom package output for output) and exactly the
// algorithm written in DRAW-SPEC.md §4.1 (checked against a from-the-spec reimplementation),
// seeds are guarded against seedrandom's silent fallbacks, and below(n) is uniform.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { DrawError, nobleSha256, openStream, streamSeed } from '../../../server/draw/index.js';
import { partialShuffle, Xor4096 } from '../../../server/draw/stream.js';
import { chiSquareSurvival, pearson } from './helpers/stats.js';

/** xor4096 exactly as DRAW-SPEC.md §4.1 states it, on unsigned 32-bit words. */
function specXor4096(seed: string): () => number {
  const s = [...seed].map((ch) => ch.charCodeAt(0)).concat([0]);
  const L = s.length;
  const limit = Math.max(128, L);
  const X = new Uint32Array(128);
  let v = 0;
  let w = 0;
  let zeros = 0;
  for (let j = -32; j < limit; j += 1) {
    v = (v ^ s[(j + 32) % L]!) >>> 0;
    if (j === 0) w = v;
    v = (v ^ (v << 10)) >>> 0; v = (v ^ (v >>> 15)) >>> 0; v = (v ^ (v << 4)) >>> 0; v = (v ^ (v >>> 13)) >>> 0;
    if (j >= 0) {
      w = (w + 0x61c88647) >>> 0;
      X[j % 128] = (X[j % 128]! ^ ((v + w) >>> 0)) >>> 0;
      zeros = X[j % 128] === 0 ? zeros + 1 : 0;
    }
  }
  if (zeros >= 128) X[L % 128] = 0xffffffff;
  let i = 127;
  const step = (): number => {
    let a = X[(i + 34) % 128]!;
    i = (i + 1) % 128;
    let t = X[i]!;
    a = (a ^ (a << 13)) >>> 0; t = (t ^ (t << 17)) >>> 0; a = (a ^ (a >>> 15)) >>> 0; t = (t ^ (t >>> 12)) >>> 0;
    X[i] = (a ^ t) >>> 0;
    return X[i]!;
  };
  for (let k = 0; k < 512; k += 1) step();
  return () => {
    w = (w + 0x61c88647) >>> 0;
    const out = step();
    return (out + ((w ^ (w >>> 16)) >>> 0)) >>> 0;
  };
}

describe('random streams (xor4096 + rejection sampling)', () => {
  it('Xor4096, for 3000 seeds (stream seeds, and odd strings: empty, long, non-ASCII, NUL), emits exactly seedrandom.xor4096\'s int32() sequence', () => {
    const seeds: string[] = [];
    for (let k = 0; k < 2000; k += 1) seeds.push(streamSeed('7'.repeat(64), `inspectors/${k}`, nobleSha256));
    const pick = new Xor4096('seed-strings');
    for (let k = 0; k < 1000; k += 1) {
      // Lengths 0–299 (so seeds longer than 128 characters too), code units 1–0xFFFF.
      const length = (pick.int32() >>> 0) % 300;
      let text = '';
      for (let c = 0; c < length; c += 1) text += String.fromCharCode(1 + ((pick.int32() >>> 0) % 0xffff));
      seeds.push(text);
    }
    seeds.push('', '\0', '\0'.repeat(127), '\0'.repeat(128), '\0'.repeat(300), 'x'.repeat(127), 'x'.repeat(128), '𠀋é');
    for (const seed of seeds) {
      const reference = seedrandom.xor4096(seed);
      const ours = new Xor4096(seed);
      for (let n = 0; n < 700; n += 1) {
        const expected = reference.int32();
        const actual = ours.int32();
        if (actual !== expected) expect(actual, `${JSON.stringify(seed)} output #${n}`).to.equal(expected);
      }
    }
  });

  it('openStream, for 500 stream seeds, emits seedrandom.xor4096(seed).int32() >>> 0 (the reference implementation) for 2000 outputs', () => {
    for (let k = 0; k < 500; k += 1) {
      const seed = streamSeed('0'.repeat(64), `entities/r${k}`, nobleSha256);
      const reference = seedrandom.xor4096(seed);
      const stream = openStream(seed);
      for (let n = 0; n < 2000; n += 1) {
        const expected = reference.int32() >>> 0;
        const actual = stream.nextUint32();
        if (actual !== expected) expect(actual, `${seed} #${n}`).to.equal(expected);
      }
    }
  });

  it('openStream, for 50 stream seeds, emits the sequence of the algorithm written in DRAW-SPEC.md §4.1', () => {
    for (let k = 0; k < 50; k += 1) {
      const seed = streamSeed('0'.repeat(64), `entities/s${k}`, nobleSha256);
      const spec = specXor4096(seed);
      const stream = openStream(seed);
      for (let n = 0; n < 300; n += 1) expect(stream.nextUint32(), `${seed} #${n}`).to.equal(spec());
    }
  });

  it('openStream, given an undefined, empty, upper-case or short seed, refuses it instead of falling back', () => {
    for (const bad of [undefined, '', 'undefined', 'A'.repeat(64), 'ab'.repeat(31)]) {
      const e = (() => { try { openStream(bad as string); } catch (err) { return err; } return null; })();
      expect(e, String(bad)).to.be.instanceOf(DrawError);
      expect((e as DrawError).code).to.equal('MALFORMED_SEED');
    }
  });

  it('xor4096, unlike seedrandom\'s default ARC4, does not fold repeated seeds (\'ab\' vs \'abab\')', () => {
    // The pitfall exists in ARC4 — which is why the engine never uses the default generator.
    expect(seedrandom('ab').int32()).to.equal(seedrandom('abab').int32());
    expect(seedrandom.xor4096('ab').int32()).to.not.equal(seedrandom.xor4096('abab').int32());
  });

  it('openStream, for seeds differing in the last hex digit, gives unrelated sequences', () => {
    const a = openStream('0'.repeat(63) + '1');
    const b = openStream('0'.repeat(63) + '2');
    const same = Array.from({ length: 100 }, () => a.nextUint32() === b.nextUint32()).filter(Boolean).length;
    expect(same).to.be.lessThan(3);
  });

  it('below(n), outside 1 … 2^32 or non-integer, throws a RangeError', () => {
    const s = openStream('f'.repeat(64));
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => s.below(n), String(n)).to.throw(RangeError);
    expect(s.below(1)).to.equal(0);
  });

  it('below(n), for 3000 values of n from 1 to 2^32, equals the BigInt rejection rule of §4.2 applied to the raw outputs', () => {
    const seed = streamSeed('3'.repeat(64), 'below-vs-bigint', nobleSha256);
    const fast = openStream(seed);
    const raw = openStream(seed);
    const pick = openStream('4'.repeat(64));
    const TWO32 = 2n ** 32n;
    for (let t = 0; t < 3000; t += 1) {
      const bits = 1 + pick.below(32);
      const n = t === 0 ? 2 ** 32 : t === 1 ? 1 : Math.min(2 ** 32, 1 + pick.below(2 ** bits));
      const N = BigInt(n);
      const limit = TWO32 - (TWO32 % N);
      let expected: bigint;
      for (;;) {
        const u = BigInt(raw.nextUint32());
        if (u < limit) { expected = u % N; break; }
      }
      expect(fast.below(n), `n = ${n}`).to.equal(Number(expected));
    }
  });

  it('below(7), over 70,000 draws, is uniform (χ², p > 0.001)', () => {
    const s = openStream(streamSeed('1'.repeat(64), 'uniformity', nobleSha256));
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i += 1) counts[s.below(7)]! += 1;
    expect(chiSquareSurvival(pearson(counts, 10_000), 6)).to.be.greaterThan(0.001);
  });

  it('partialShuffle, with steps = length, permutes the array (same multiset, every element once)', () => {
    const a = Uint32Array.from({ length: 1000 }, (_, i) => i);
    partialShuffle(a, a.length, openStream('2'.repeat(64)));
    expect([...a].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
    expect([...a.subarray(0, 10)]).to.not.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
