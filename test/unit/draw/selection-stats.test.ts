// Statistical properties of entity selection, with fixed seeds (deterministic): every entity
// of a stratum is drawn with probability k/N, and the last entities in canonical order as
// often as the first — the regression test for the systematic-step sampler of a 2017 Zhejiang
// system, which could never draw the tail of its sorted pool. The same checker is shown to
// reject that naive sampler, so the test has the power to fail.
import { expect } from 'chai';
import { draw, openStream, streamSeed } from '../../../server/draw/index.js';
import { nodeSha256 } from '../../../server/draw/node-sha256.js';
import { baseInput, creditCode, FAST, makePool, oneStratum } from './helpers/world.js';
import { blockZ, inclusionPValue } from './helpers/stats.js';

/** Significance: p > 0.001 for χ², |z| < 4 (two-sided p ≈ 6e-5) for the block tests. */
const ALPHA = 0.001;
const Z_LIMIT = 4;

function countInclusions(n: number, draws: number, sample: (d: number) => number[]): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let d = 0; d < draws; d += 1) for (const p of sample(d)) counts[p]! += 1;
  return counts;
}

function tailCheck(counts: number[], draws: number, k: number, block: number): { pValue: number; firstZ: number; lastZ: number; passes: boolean } {
  const pValue = inclusionPValue(counts, draws, k);
  const firstZ = blockZ(counts, 0, block, draws, k);
  const lastZ = blockZ(counts, counts.length - block, block, draws, k);
  return { pValue, firstZ, lastZ, passes: pValue > ALPHA && Math.abs(firstZ) < Z_LIMIT && Math.abs(lastZ) < Z_LIMIT };
}

describe('entity selection statistics (fixed seeds)', () => {
  it('draw, over 2000 seeded draws of two strata, includes each entity with frequency k/N of its stratum (χ², p > 0.001)', () => {
    // 42 entities interleaved in canonical order: 12 of class D (25% → 3), 30 of class A (6).
    const pool = makePool(42, (i) => ({ riskClass: i % 7 < 2 ? 'D' : 'A' }));
    const strata = [
      { id: 'D', where: { riskClass: ['D' as const] }, quota: { ratio: 0.25 } },
      { id: 'A', where: { riskClass: ['A' as const] }, quota: { count: 6 } },
    ];
    const index = new Map(pool.map((e, i) => [e.creditCode, i]));
    const counts = new Array<number>(42).fill(0);
    const R = 2000;
    for (let d = 0; d < R; d += 1) {
      const record = draw(baseInput({ pool, strata }, d), FAST);
      for (const s of record.strata) for (const code of s.selected) counts[index.get(code)!]! += 1;
    }
    const inD = counts.filter((_, i) => i % 7 < 2);
    const inA = counts.filter((_, i) => i % 7 >= 2);
    expect(inD.reduce((a, b) => a + b)).to.equal(R * 3);
    expect(inA.reduce((a, b) => a + b)).to.equal(R * 6);
    expect(inclusionPValue(inD, R, 3), 'stratum D').to.be.greaterThan(ALPHA);
    expect(inclusionPValue(inA, R, 6), 'stratum A').to.be.greaterThan(ALPHA);
  });

  it('draw, for the last 30 of 1030 entities in canonical order, selects them as often as the first 30', () => {
    const N = 1030;
    const k = 100;
    const R = 300;
    const pool = makePool(N);
    const position = new Map(pool.map((e, i) => [e.creditCode, i]));
    expect(creditCode(N - 1) > creditCode(0)).to.equal(true); // i is the canonical position
    const counts = countInclusions(N, R, (d) =>
      draw(baseInput({ pool, strata: oneStratum({ count: k }) }, 10_000 + d), FAST).strata[0]!.selected.map((c) => position.get(c)!));
    const check = tailCheck(counts, R, k, 30);
    expect(check.pValue, 'χ² over all entities').to.be.greaterThan(ALPHA);
    expect(Math.abs(check.lastZ), 'last 30').to.be.lessThan(Z_LIMIT);
    expect(Math.abs(check.firstZ), 'first 30').to.be.lessThan(Z_LIMIT);
    expect(check.passes).to.equal(true);
  });

  it('a naive floor(N/n) systematic sampler, under the same check, fails: the tail is never drawn', () => {
    const N = 1030;
    const k = 100;
    const R = 300;
    const step = Math.floor(N / k); // 10: picks start, start+10, …, start+990 — never 1000…1029
    const counts = countInclusions(N, R, (d) => {
      const start = openStream(streamSeed('a'.repeat(64), `systematic/${d}`, nodeSha256)).below(step);
      return Array.from({ length: k }, (_, j) => start + j * step);
    });
    const check = tailCheck(counts, R, k, 30);
    expect(counts.slice(N - 30).every((c) => c === 0)).to.equal(true);
    expect(check.lastZ).to.be.lessThan(-Z_LIMIT);
    expect(check.pValue).to.be.lessThan(ALPHA);
    expect(check.passes).to.equal(false);
  });
});
