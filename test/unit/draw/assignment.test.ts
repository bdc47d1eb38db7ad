// Inspector assignment constraints: team size, eligibility (status, certificate on the
// inspection date, department, qualification, conflicts of interest), load limits, and
// precise infeasibility errors naming the entity and the binding constraint.
import { expect } from 'chai';
import { draw, DrawError, TeamInfeasibleError, type DrawInput, type InspectorInput } from '../../../server/draw/index.js';
import { assignment, baseInput, creditCode, FAST, inspector, makePool, oneStratum, roster, thrown } from './helpers/world.js';

const pool = makePool(60, (i) => (i % 10 === 3 ? { addressKey: 'ADDR-7' } : {}));
const conflicted = creditCode(5);

/** Eight good inspectors and one of each kind that must never be drawn for some entity. */
function mixedRoster(): { inspectors: InspectorInput[]; never: Set<string> } {
  const inspectors = [
    ...roster(8, 'OK'),
    inspector('BAD-失效', { status: '失效' }),
    inspector('BAD-expired', { certificates: [{ validFrom: '2020-01-01', validUntil: '2025-06-30' }] }),
    inspector('BAD-notyet', { certificates: [{ validFrom: '2025-07-02', validUntil: '2029-01-01' }] }),
    inspector('BAD-dept', { department: '税务局' }),
    inspector('BAD-unqualified', { qualifications: ['其他'] }),
  ];
  return { inspectors, never: new Set(inspectors.filter((i) => i.id.startsWith('BAD')).map((i) => i.id)) };
}

function input(seed: number, extra: Partial<DrawInput> = {}): DrawInput {
  const { inspectors } = mixedRoster();
  inspectors.push(
    inspector('C-declared', { conflicts: [conflicted] }),
    inspector('C-relation', { relationCodes: [creditCode(6)] }),
    inspector('C-address', { addressKey: 'ADDR-7' }),
  );
  return baseInput({ pool, strata: oneStratum({ ratio: 1 }), assignment: assignment(inspectors, { maxAssignmentsPerInspector: 20 }), ...extra }, seed);
}

describe('inspector assignment constraints', () => {
  it('draw, over 20 seeded draws, gives every entity exactly teamSize distinct eligible inspectors and never an ineligible or conflicted one', () => {
    const { never } = mixedRoster();
    for (let seed = 0; seed < 20; seed += 1) {
      const record = draw(input(seed), FAST);
      const teams = record.assignment!.teams;
      expect(teams).to.have.length(60);
      for (const team of teams) {
        expect(team.inspectors).to.have.length(2);
        expect(new Set(team.inspectors).size).to.equal(2);
        for (const id of team.inspectors) expect(never.has(id), `${id} on ${team.creditCode}`).to.equal(false);
        if (team.creditCode === conflicted) expect(team.inspectors).to.not.include('C-declared');
        if (team.creditCode === creditCode(6)) expect(team.inspectors).to.not.include('C-relation');
        const i = pool.findIndex((e) => e.creditCode === team.creditCode);
        if (pool[i]!.addressKey === 'ADDR-7') expect(team.inspectors).to.not.include('C-address');
      }
      // The conflicted inspectors are drawn for other entities: the exclusion is per entity.
      expect(teams.some((t) => t.inspectors.includes('C-address'))).to.equal(true);
    }
  });

  it('draw, with a load limit of 3, never gives an inspector more than 3 entities', () => {
    // 14 entities × 2 = 28 of 30 possible assignments: tight, yet always feasible (the last
    // entity still finds 4 free slots, held by at least 2 inspectors).
    const inspectors = roster(10);
    for (let seed = 0; seed < 10; seed += 1) {
      const record = draw(baseInput({ pool: makePool(14), strata: oneStratum({ ratio: 1 }), assignment: assignment(inspectors, { maxAssignmentsPerInspector: 3 }) }, seed), FAST);
      const load = new Map<string, number>();
      for (const t of record.assignment!.teams) for (const id of t.inspectors) load.set(id, (load.get(id) ?? 0) + 1);
      expect(Math.max(...load.values())).to.be.at.most(3);
      expect([...load.values()].reduce((a, b) => a + b)).to.equal(28);
      expect([...load.values()].filter((n) => n === 3).length, 'the limit binds').to.be.greaterThan(0);
    }
  });

  it('draw, with teamSize 3, gives teams of three', () => {
    const record = draw(baseInput({ assignment: assignment(roster(6), { teamSize: 3 }) }), FAST);
    for (const t of record.assignment!.teams) expect(new Set(t.inspectors).size).to.equal(3);
  });

  it('draw, when an entity has only one eligible inspector, throws TEAM_INFEASIBLE naming the entity, the counts and the binding constraint', () => {
    const target = creditCode(2);
    const inspectors = [
      inspector('A1'), inspector('A2', { conflicts: [target] }), inspector('A3', { relationCodes: [target] }),
      inspector('E1', { certificates: [{ validFrom: '2020-01-01', validUntil: '2024-12-31' }] }),
      inspector('E2', { certificates: [] }), inspector('E3', { certificates: [{ validFrom: '2026-01-01', validUntil: '2027-01-01' }] }),
    ];
    const e = thrown(() => draw(baseInput({ pool: makePool(5), strata: oneStratum({ ratio: 1 }), assignment: assignment(inspectors) }), FAST));
    expect(e).to.be.instanceOf(TeamInfeasibleError);
    const err = e as TeamInfeasibleError;
    expect(err.code).to.equal('TEAM_INFEASIBLE');
    expect(err.creditCode).to.equal(target);
    expect(err.eligible).to.equal(1);
    expect(err.excluded.noValidCertificate).to.equal(3);
    expect(err.excluded.conflict).to.equal(2);
    expect(err.binding).to.equal('noValidCertificate');
    expect(err.message).to.contain(`${target}: only 1 inspector eligible, 2 needed`);
    expect(err.message).to.contain('3 by no certificate valid on the inspection date, 2 by conflict of interest');
  });

  it('draw, when earlier entities exhaust the load limit, reports TEAM_INFEASIBLE with load limit as the binding constraint', () => {
    // Capacity is exactly enough (4 × 1 = 2 × 2), but entity 1 conflicts with A; whenever
    // entity 0 is processed first and takes two of B, C, D, entity 1 is left with one.
    const inspectors = [inspector('A', { conflicts: [creditCode(1)] }), inspector('B'), inspector('C'), inspector('D')];
    const outcomes = { ok: 0, infeasible: 0 };
    for (let seed = 0; seed < 40; seed += 1) {
      try {
        draw(baseInput({ pool: makePool(2), strata: oneStratum({ ratio: 1 }), assignment: assignment(inspectors, { maxAssignmentsPerInspector: 1 }) }, seed), FAST);
        outcomes.ok += 1;
      } catch (e) {
        expect(e).to.be.instanceOf(TeamInfeasibleError);
        const err = e as TeamInfeasibleError;
        expect(err.creditCode).to.equal(creditCode(1));
        expect(err.binding).to.equal('loadLimit');
        expect(err.excluded).to.include({ conflict: 1, loadLimit: 2 });
        outcomes.infeasible += 1;
      }
    }
    expect(outcomes.ok).to.be.greaterThan(0);
    expect(outcomes.infeasible).to.be.greaterThan(0);
  });

  it('draw, when the roster cannot cover teamSize × entities, throws CAPACITY_INSUFFICIENT before drawing', () => {
    const e = thrown(() => draw(baseInput({ pool: makePool(10), strata: oneStratum({ ratio: 1 }), assignment: assignment(roster(5), { maxAssignmentsPerInspector: 3 }) }), FAST));
    expect((e as DrawError).code).to.equal('CAPACITY_INSUFFICIENT');
    expect(e.message).to.contain('need 20 assignments').and.contain('allow 15');
  });

  it('draw, with a different public seed, gives different teams (no fixed pairs)', () => {
    const a = draw(input(1), FAST).assignment!.teams;
    const b = draw(input(2), FAST).assignment!.teams;
    const teamOf = (teams: typeof a): Map<string, string> => new Map(teams.map((t) => [t.creditCode, [...t.inspectors].sort().join('+')]));
    const ta = teamOf(a);
    const tb = teamOf(b);
    const same = [...ta].filter(([code, team]) => tb.get(code) === team).length;
    expect(same).to.be.lessThan(15); // with 11 eligible, a fixed pair repeats with p ≈ 1/55
  });
});
