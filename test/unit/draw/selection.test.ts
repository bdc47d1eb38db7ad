// Entity selection rules: strata membership (first match), exclusions, quota rounding, caps,
// alternates, independence of strata, and independence from the pool's input order.
import { expect } from 'chai';
import { draw, roundRatio, type DrawInput, type StratumInput } from '../../../server/draw/index.js';
import { baseInput, creditCode, FAST, makePool, oneStratum } from './helpers/world.js';

const pool = makePool(90, (i) => ({ riskClass: (['A', 'B', 'C', 'D'] as const)[i % 4], industry: i % 3 === 0 ? 'C1311' : 'H6210', region: i % 2 ? '岳塘区' : '雨湖区' }));
const strata: StratumInput[] = [
  { id: 'D', where: { riskClass: ['D'] }, quota: { count: 5 }, alternates: 2 },
  { id: 'C-manufacturing', where: { riskClass: ['C'], industry: ['C'] }, quota: { ratio: 0.5 } },
  { id: 'rest', where: {}, quota: { ratio: 0.1 }, alternates: 3 },
];
const input = (extra: Partial<DrawInput> = {}, seed = 3): DrawInput => baseInput({ pool, strata, ...extra }, seed);

describe('entity selection rules', () => {
  it('roundRatio, per stratum, rounds half up on exact integers', () => {
    expect(roundRatio(30_000, 1250)).to.equal(38); // 37.5
    expect(roundRatio(30_000, 1249)).to.equal(37); // 37.47
    expect(roundRatio(5_000, 100)).to.equal(1); // 0.5
    expect(roundRatio(5_000, 99)).to.equal(0); // 0.495
    expect(roundRatio(1_000_000, 7)).to.equal(7);
  });

  it('draw, with overlapping conditions, puts each entity in the first matching stratum only', () => {
    const record = draw(input(), FAST);
    const [d, c, rest] = record.strata;
    expect(d!.matched).to.equal(22); // i % 4 === 3 among 0…89
    expect(c!.matched).to.equal(7); // class C (i % 4 === 2) and i % 3 === 0: i ≡ 6 (mod 12)
    expect(rest!.matched).to.equal(90 - 22 - 7);
    const byCode = new Map(pool.map((e) => [e.creditCode, e]));
    for (const code of d!.selected) expect(byCode.get(code)!.riskClass).to.equal('D');
    for (const code of c!.selected) expect(byCode.get(code)).to.include({ riskClass: 'C', industry: 'C1311' });
    for (const code of rest!.selected) expect(byCode.get(code)!.riskClass).to.not.equal('D');
  });

  it('draw, with a ratio, draws round-half-up of ratio × drawable (7 × 0.5 = 3.5 → 4; 61 × 0.1 = 6.1 → 6)', () => {
    const record = draw(input(), FAST);
    expect(record.strata.map((s) => s.selected.length)).to.deep.equal([5, 4, 6]);
    expect(record.strata.map((s) => s.alternates.length)).to.deep.equal([2, 0, 3]);
  });

  it('draw, for a stratum, returns selected and alternates that are distinct members of the stratum', () => {
    const record = draw(input(), FAST);
    for (const s of record.strata) {
      expect(new Set([...s.selected, ...s.alternates]).size).to.equal(s.selected.length + s.alternates.length);
    }
  });

  it('draw, when one stratum\'s quota changes, leaves every other stratum\'s selection and alternates unchanged', () => {
    const before = draw(input(), FAST);
    const changed = strata.map((s) => (s.id === 'D' ? { ...s, quota: { count: 9 } } : s));
    const after = draw(input({ strata: changed }), FAST);
    expect(after.strata[1]).to.deep.equal(before.strata[1]);
    expect(after.strata[2]).to.deep.equal(before.strata[2]);
    expect(after.strata[0]!.selected).to.have.length(9);
    // The shuffle is prefix-stable: a larger quota extends the list drawn before.
    expect(after.strata[0]!.selected.slice(0, 5)).to.deep.equal(before.strata[0]!.selected);
  });

  it('draw, when one stratum loses a member, leaves the other strata unchanged', () => {
    const before = draw(input(), FAST);
    const firstD = pool.findIndex((e) => e.riskClass === 'D');
    const after = draw(input({ pool: pool.filter((_, i) => i !== firstD) }), FAST);
    expect(after.strata[1]).to.deep.equal(before.strata[1]);
    expect(after.strata[2]).to.deep.equal(before.strata[2]);
  });

  it('draw, given the pool in another order or with extra fields, gives the same results', () => {
    const before = draw(input(), FAST);
    const shuffled = [...pool].reverse().map((e, i) => ({ ...e, name: `企业${i}` }));
    const after = draw(input({ pool: shuffled }), FAST);
    expect({ ...after, input: null }).to.deep.equal({ ...before, input: null });
  });

  it('draw, with a different seed or task id, selects differently', () => {
    const a = draw(input(), FAST).strata[2]!.selected;
    expect(draw(input({}, 4), FAST).strata[2]!.selected).to.not.deep.equal(a);
    expect(draw(input({ taskId: 'TEST-002' }), FAST).strata[2]!.selected).to.not.deep.equal(a);
  });

  it('draw, never selects inactive entities, and counts them per stratum', () => {
    const statuses = ['存续', '注销', '吊销', '撤销', '迁出'];
    const mixed = makePool(50, (i) => ({ status: statuses[i % 5]! }));
    const record = draw(baseInput({ pool: mixed, strata: oneStratum({ ratio: 1 }) }), FAST);
    expect(record.strata[0]).to.include({ matched: 50, excludedInactive: 40, drawable: 10 });
    const active = new Set(mixed.filter((e) => e.status === '存续').map((e) => e.creditCode));
    expect(record.strata[0]!.selected.every((c) => active.has(c))).to.equal(true);
  });

  it('draw, with a 365-day repeat window, excludes an entity inspected 364 days before but not 365 days before', () => {
    const p = makePool(3, (i) => ({ lastInspectedOn: ['2024-07-01', '2024-07-02', '2025-07-02'][i]! }));
    const record = draw(baseInput({ pool: p, strata: oneStratum({ ratio: 1 }), exclusions: { repeatWindowDays: 365 } }), FAST);
    expect(record.pool.recentCutoff).to.equal('2024-07-01');
    expect(record.strata[0]!.selected).to.deep.equal([creditCode(0)]);
    expect(record.strata[0]!.excludedRecent).to.equal(2);
    const noWindow = draw(baseInput({ pool: p, strata: oneStratum({ ratio: 1 }) }), FAST);
    expect(noWindow.strata[0]!.selected).to.have.length(3);
  });

  it('draw, with a quota above the population or a min/max, caps and clamps as specified', () => {
    const small = makePool(4);
    const capped = draw(baseInput({ pool: small, strata: oneStratum({ count: 10 }, 5) }), FAST).strata[0]!;
    expect(capped).to.include({ quota: 10, capped: true, drawable: 4 });
    expect(capped.selected).to.have.length(4);
    expect(capped.alternates).to.have.length(0);
    const big = makePool(100);
    expect(draw(baseInput({ pool: big, strata: oneStratum({ ratio: 0.01, min: 3 }) }), FAST).strata[0]!.selected).to.have.length(3);
    expect(draw(baseInput({ pool: big, strata: oneStratum({ ratio: 0.5, max: 7 }) }), FAST).strata[0]!.selected).to.have.length(7);
  });

  it('draw, with special-roster and industry-prefix strata, matches rosters by name and industry by prefix', () => {
    const p = makePool(6, (i) => ({ industry: ['C1311', 'C2710', 'H6210', 'C', 'F5211', ''][i], specialRosters: i === 4 ? ['药品经营', '食品生产'] : [] }));
    const record = draw(baseInput({
      pool: p,
      strata: [
        { id: 'food', where: { specialRoster: ['食品生产'] }, quota: { ratio: 1 } },
        { id: 'manufacturing', where: { industry: ['C'] }, quota: { ratio: 1 } },
        { id: 'C13', where: { industry: ['C13'] }, quota: { ratio: 1 } },
      ],
    }), FAST);
    expect(record.strata.map((s) => s.matched)).to.deep.equal([1, 3, 0]);
    expect(record.pool.unstratified).to.equal(2);
  });
});
