// Bad inputs are refused with typed errors carrying a code and the path of the field.
import { expect } from 'chai';
import { draw, DrawError, type DrawInput } from '../../../server/draw/index.js';
import { assignment, baseInput, creditCode, FAST, makePool, oneStratum, roster, thrown } from './helpers/world.js';

function refusal(input: unknown): DrawError {
  const e = thrown(() => draw(input as DrawInput, FAST));
  expect(e).to.be.instanceOf(DrawError);
  return e as DrawError;
}

const REVEAL = '00112233445566778899aabbccddeeff';
const COMMITMENT = 'a6a0d4b2b5f5b6c1e5b1d7c7b8a6d4c3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7'; // not its hash

describe('draw input validation', () => {
  it('draw, with teamSize 1, refuses with TEAM_SIZE_TOO_SMALL at assignment.teamSize', () => {
    const e = refusal(baseInput({ assignment: assignment(roster(4), { teamSize: 1 }) }));
    expect(e.code).to.equal('TEAM_SIZE_TOO_SMALL');
    expect(e.path).to.equal('assignment.teamSize');
  });

  it('draw, with a stratum on an unknown attribute, refuses with UNKNOWN_STRATUM_ATTRIBUTE naming it', () => {
    const e = refusal(baseInput({ strata: [{ id: 'x', where: { riskLevel: ['A'] } as never, quota: { count: 1 } }] }));
    expect(e.code).to.equal('UNKNOWN_STRATUM_ATTRIBUTE');
    expect(e.path).to.equal('strata[0].where.riskLevel');
  });

  it('draw, with malformed seed material, refuses with MALFORMED_SEED', () => {
    const cases: unknown[] = [
      { sources: [] },
      { sources: [{ numbers: [] }] },
      { sources: [{ numbers: [-1] }] },
      { sources: [{ numbers: [1.5] }] },
      { sources: [{ numbers: ['12a'] }] },
      { sources: [{ values: ['has space'] }] },
      { sources: [{ numbers: [1], values: ['a'] }] },
      { sources: [{ numbers: [1] }], reveal: REVEAL },
      { sources: [{ numbers: [1] }], commitment: COMMITMENT },
      { sources: [{ numbers: [1] }], commitment: 'XYZ', reveal: REVEAL },
    ];
    for (const seed of cases) expect(refusal(baseInput({ seed: seed as DrawInput['seed'] })).code, JSON.stringify(seed)).to.equal('MALFORMED_SEED');
  });

  it('draw, when the revealed secret does not hash to the commitment, refuses with COMMITMENT_MISMATCH', () => {
    const e = refusal(baseInput({ seed: { sources: [{ numbers: [1] }], commitment: COMMITMENT, reveal: REVEAL } }));
    expect(e.code).to.equal('COMMITMENT_MISMATCH');
    expect(e.path).to.equal('seed.reveal');
  });

  it('draw, with a bad or duplicate credit code, refuses with its index in the pool', () => {
    const pool = makePool(3);
    expect(refusal(baseInput({ pool: [...pool, { creditCode: '91430302000000001I', status: '存续' }] })).path).to.equal('pool[3].creditCode');
    expect(refusal(baseInput({ pool: [...pool, { creditCode: 'short', status: '存续' }] })).code).to.equal('INVALID_CREDIT_CODE');
    const dup = refusal(baseInput({ pool: [...pool, { creditCode: creditCode(1), status: '存续' }] }));
    expect(dup.code).to.equal('DUPLICATE_ENTITY');
    expect(dup.message).to.contain('pool[1]');
  });

  it('draw, with invalid entity fields, refuses with the entity\'s path', () => {
    const bad = (attrs: object): DrawError => refusal(baseInput({ pool: [...makePool(2), { creditCode: creditCode(9), status: '存续', ...attrs }] }));
    expect(bad({ riskClass: 'E' }).path).to.equal('pool[2].riskClass');
    expect(bad({ lastInspectedOn: '2025-02-30' }).code).to.equal('INVALID_DATE');
    expect(bad({ specialRosters: ['食品,餐饮'] }).path).to.equal('pool[2].specialRosters');
    expect(bad({ specialRosters: ['餐饮', '餐饮'] }).code).to.equal('INVALID_INPUT');
    expect(bad({ status: '' }).path).to.equal('pool[2].status');
    expect(bad({ industry: 'C\t13' }).path).to.equal('pool[2].industry');
    expect(bad({ addressKey: 'has space' }).path).to.equal('pool[2].addressKey');
  });

  it('draw, with invalid quotas, strata or dates, refuses with the matching code', () => {
    expect(refusal(baseInput({ strata: oneStratum({ ratio: 0.0300001 }) })).code).to.equal('INVALID_QUOTA');
    expect(refusal(baseInput({ strata: oneStratum({ ratio: 1.5 }) })).code).to.equal('INVALID_QUOTA');
    expect(refusal(baseInput({ strata: oneStratum({ count: 1, ratio: 0.1 } as never) })).code).to.equal('INVALID_QUOTA');
    expect(refusal(baseInput({ strata: oneStratum({ ratio: 0.1, min: 5, max: 2 }) })).code).to.equal('INVALID_QUOTA');
    expect(refusal(baseInput({ strata: [...oneStratum({ count: 1 }), ...oneStratum({ count: 1 })] })).code).to.equal('DUPLICATE_STRATUM');
    expect(refusal(baseInput({ strata: [] })).code).to.equal('INVALID_INPUT');
    expect(refusal(baseInput({ inspectionDate: '2025-13-01' })).code).to.equal('INVALID_DATE');
    expect(refusal(baseInput({ exclusions: { repeatWindowDays: -1 } })).path).to.equal('exclusions.repeatWindowDays');
  });

  it('draw, with unknown top-level fields, bad inspectors or duplicate inspector ids, refuses', () => {
    expect(refusal({ ...baseInput(), exclusion: {} }).path).to.equal('exclusion');
    const two = roster(3);
    expect(refusal(baseInput({ assignment: assignment([...two, two[0]!]) })).code).to.equal('DUPLICATE_INSPECTOR');
    const badStatus = [{ ...two[0]!, status: '停用' as never }, ...two.slice(1)];
    expect(refusal(baseInput({ assignment: assignment(badStatus) })).path).to.equal('assignment.inspectors[0].status');
    const badCert = [{ ...two[0]!, certificates: [{ validFrom: '2026-01-01', validUntil: '2025-01-01' }] }];
    expect(refusal(baseInput({ assignment: assignment(badCert) })).code).to.equal('INVALID_DATE');
    expect(refusal(baseInput({ assignment: assignment(two, { allowedDepartments: [] }) })).path).to.equal('assignment.allowedDepartments');
  });

  it('draw, with a 40-character region of CJK Extension B (80 UTF-16 units), accepts it: limits count code points (§1.1)', () => {
    const region = String.fromCodePoint(...Array.from({ length: 40 }, (_, i) => 0x20000 + i));
    expect(region.length).to.equal(80);
    const record = draw(baseInput({ pool: makePool(3, (i) => (i === 0 ? { region } : {})) }), FAST);
    expect(record.pool.size).to.equal(3);
    const tooLong = String.fromCodePoint(...Array.from({ length: 65 }, (_, i) => 0x20000 + i));
    expect(refusal(baseInput({ pool: makePool(3, (i) => (i === 0 ? { region: tooLong } : {})) })).path).to.equal('pool[0].region');
    expect(draw(baseInput({ taskId: '𠀀'.repeat(128) }), FAST).input.taskId).to.have.length(256);
  });

  it('draw, with a lone surrogate in any text, refuses it (it has no UTF-8 encoding)', () => {
    expect(refusal(baseInput({ pool: makePool(3, (i) => (i === 0 ? { industry: 'C\ud800' } : {})) })).path).to.equal('pool[0].industry');
    expect(refusal(baseInput({ taskId: 'task-\udc00' })).path).to.equal('taskId');
  });

  it('draw, with a quota whose min exceeds its max, refuses with INVALID_QUOTA (§6.2 requires min ≤ max)', () => {
    const e = refusal(baseInput({ strata: oneStratum({ count: 3, min: 4, max: 2 }) }));
    expect(e.code).to.equal('INVALID_QUOTA');
    expect(e.path).to.equal('strata[0].quota');
  });

  it('draw, with a repeat window reaching before 0001-01-01, refuses it instead of writing a non-date cutoff', () => {
    const e = refusal(baseInput({ inspectionDate: '0100-01-01', exclusions: { repeatWindowDays: 36600 } }));
    expect(e.code).to.equal('INVALID_INPUT');
    expect(e.path).to.equal('exclusions.repeatWindowDays');
    expect(draw(baseInput({ inspectionDate: '0001-01-02', exclusions: { repeatWindowDays: 1 } }), FAST).pool.recentCutoff).to.equal('0001-01-01');
  });

  it('draw (ssj-draw/1), with an exclusions field it does not know (atCap is ssj-draw/2), refuses it', () => {
    expect(refusal(baseInput({ exclusions: { atCap: [] } as never })).path).to.equal('exclusions.atCap');
  });
});
