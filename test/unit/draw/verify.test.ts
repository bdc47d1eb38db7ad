// verify(): recomputes a record and reports the first difference with its path, so tampering
// with a pick, a team, a recusal, the pool or the seed is caught and located.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { assignTeams, draw, verify, type DrawRecord, type VerifyResult } from '../../../server/draw/index.js';
import { assignment, baseInput, FAST, makePool, oneStratum, roster } from './helpers/world.js';

const golden = readFileSync(new URL('../../fixtures/draw/vector-1.record.json', import.meta.url), 'utf8');
const fresh = (): DrawRecord => JSON.parse(golden) as DrawRecord;
const check = (record: unknown): VerifyResult => verify(record, FAST);

function failure(result: VerifyResult): Extract<VerifyResult, { ok: false }> {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  return result as Extract<VerifyResult, { ok: false }>;
}

describe('draw verification', () => {
  it('verify, on the exported golden record, reports a match with its digest and key', () => {
    const result = check(fresh());
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.summary).to.include({ poolDigest: fresh().pool.digest, selected: 12, teams: 12, recusals: 3 });
  });

  it('verify, with the pure-JS hash (as in the browser), reports the same match', () => {
    expect(verify(fresh()).ok).to.equal(true);
  });

  it('verify, when a selected entity was swapped for an alternate, reports strata[i].selected[j]', () => {
    const r = fresh();
    const original = r.strata[2]!.selected[4]!;
    r.strata[2]!.selected[4] = r.strata[2]!.alternates[0]!;
    const f = failure(check(r));
    expect(f.code).to.equal('MISMATCH');
    expect(f.path).to.equal('strata[2].selected[4]');
    expect(f.message).to.equal(`strata[2].selected[4]: expected "${original}", got "${r.strata[2]!.alternates[0]}"`);
  });

  it('verify, when an entity of the pool was altered, reports pool.digest first', () => {
    const r = fresh();
    r.input.pool[7]!.status = r.input.pool[7]!.status === '存续' ? '注销' : '存续';
    expect(failure(check(r)).path).to.equal('pool.digest');
  });

  it('verify, when the public random values were altered, reports seed.canonicalKey', () => {
    const r = fresh();
    (r.input.seed.sources[0] as { numbers: number[] }).numbers[0] = 6;
    expect(failure(check(r)).path).to.equal('seed.canonicalKey');
  });

  it('verify, when the revealed secret was altered, reports COMMITMENT_MISMATCH on the input', () => {
    const r = fresh();
    r.input.seed.reveal = `${r.input.seed.reveal!.slice(0, -1)}c`;
    const f = failure(check(r));
    expect(f.code).to.equal('COMMITMENT_MISMATCH');
    expect(f.path).to.equal('input.seed.reveal');
  });

  it('verify, when a team member, a replacement or an alternate was changed, names that element', () => {
    const r1 = fresh();
    r1.assignment!.teams[3]!.inspectors[1] = 'X0002';
    expect(failure(check(r1)).path).to.equal('assignment.teams[3].inspectors[1]');
    const r2 = fresh();
    r2.recusals[2]!.replacement = 'X0012';
    expect(failure(check(r2)).path).to.equal('recusals[2].replacement');
    const r3 = fresh();
    r3.strata[0]!.alternates.pop();
    const f3 = failure(check(r3));
    expect(f3.path).to.equal('strata[0].alternates[1]');
    expect(f3.message).to.contain('got (missing)');
  });

  it('verify, when an earlier recusal was deleted, reports the first recusal that no longer replays', () => {
    const r = fresh();
    r.recusals.shift();
    const f = failure(check(r));
    expect(f.path).to.equal('recusals[0]');
    expect(f.code).to.equal('RECUSAL_INVALID');
  });

  it('verify, when the last recusals were deleted, cannot tell (an earlier state is consistent): publish recusals as they happen', () => {
    // Documented limit (DRAW-SPEC.md §9.2): the recusal log is input and output at once.
    const r = fresh();
    r.recusals.pop();
    expect(check(r).ok).to.equal(true);
  });

  it('verify, for values published before the draw, reports PUBLISHED_MISMATCH when they differ', () => {
    const f = failure(verify(fresh(), { ...FAST, published: { poolDigest: '0'.repeat(64) } }));
    expect(f.code).to.equal('PUBLISHED_MISMATCH');
    expect(f.path).to.equal('pool.digest');
    expect(verify(fresh(), { ...FAST, published: { poolDigest: fresh().pool.digest, canonicalKey: fresh().seed.canonicalKey } }).ok).to.equal(true);
  });

  it('verify, on something that is not a record, an unknown spec or an extra field, reports without throwing', () => {
    expect(failure(check(null)).code).to.equal('RECORD_INVALID');
    expect(failure(check({ spec: 'ssj-draw/1' })).code).to.equal('RECORD_INVALID');
    expect(failure(check({ ...fresh(), spec: 'ssj-draw/9' })).code).to.equal('UNSUPPORTED_SPEC');
    expect(failure(check({ ...fresh(), note: 'x' })).path).to.equal('note');
    expect(failure(check({ ...fresh(), input: { ...fresh().input, pool: 'nope' } })).code).to.equal('INVALID_INPUT');
  });

  it('assignTeams, on an entity-only record, adds teams without changing the entities, and the result verifies', () => {
    const input = baseInput({ pool: makePool(30), strata: oneStratum({ count: 6 }, 2) });
    const entitiesOnly = draw(input, FAST);
    expect(entitiesOnly.assignment).to.equal(null);
    const withTeams = assignTeams(entitiesOnly, assignment(roster(5), { seed: { sources: [{ values: ['beacon42'] }] } }), FAST);
    expect(withTeams.strata).to.deep.equal(entitiesOnly.strata);
    expect(withTeams.assignment!.teams).to.have.length(6);
    expect(withTeams.assignment!.seed!.canonicalKey).to.equal('beacon42./');
    expect(check(JSON.parse(JSON.stringify(withTeams))).ok).to.equal(true);
    const tampered = { ...entitiesOnly, strata: [{ ...entitiesOnly.strata[0]!, selected: [...entitiesOnly.strata[0]!.selected].reverse() }] };
    expect(() => assignTeams(tampered, assignment(roster(5)), FAST)).to.throw(/does not reproduce/);
  });
});
