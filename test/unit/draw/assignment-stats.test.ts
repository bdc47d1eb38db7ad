// Inspector assignment is uniform among the eligible: every eligible inspector is drawn
// equally often and every pair of them forms a team equally often (no near-fixed teams as
// with round-robin pairing). Fixed seeds, so deterministic.
import { expect } from 'chai';
import { draw } from '../../../server/draw/index.js';
import { assignment, baseInput, FAST, inspector, makePool, oneStratum, roster } from './helpers/world.js';
import { chiSquareSurvival, inclusionPValue, pearson } from './helpers/stats.js';

describe('inspector assignment statistics (fixed seeds)', () => {
  it('draw, over 4000 teams of 2 from 8 eligible among 12, draws each eligible equally often and each pair equally often (χ², p > 0.001)', () => {
    const eligible = roster(8, 'E');
    const inspectors = [
      ...eligible,
      inspector('X-失效', { status: '失效' }),
      inspector('X-expired', { certificates: [{ validFrom: '2020-01-01', validUntil: '2025-06-30' }] }),
      inspector('X-dept', { department: '其他局' }),
      inspector('X-qual', { qualifications: [] }),
    ];
    const ids = eligible.map((i) => i.id);
    const counts = new Array<number>(8).fill(0);
    const pairs = new Map<string, number>();
    const R = 4;
    for (let seed = 0; seed < R; seed += 1) {
      const record = draw(baseInput({ pool: makePool(1000), strata: oneStratum({ ratio: 1 }), assignment: assignment(inspectors) }, seed), FAST);
      for (const t of record.assignment!.teams) {
        for (const id of t.inspectors) {
          expect(ids, `ineligible ${id} drawn`).to.include(id);
          counts[ids.indexOf(id)]! += 1;
        }
        const key = [...t.inspectors].sort().join('+');
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
    const teams = R * 1000;
    expect(inclusionPValue(counts, teams, 2), 'inspectors').to.be.greaterThan(0.001);
    expect(pairs.size).to.equal(28);
    expect(chiSquareSurvival(pearson([...pairs.values()], teams / 28), 27), 'pairs').to.be.greaterThan(0.001);
  });
});
