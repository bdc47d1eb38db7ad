// 回避 after the draw: the replacement is reproducible, eligible, not already on the team, and
// both the recusal and the replacement are recorded.
import { expect } from 'chai';
import { currentTeams, draw, DrawError, recuse, TeamInfeasibleError, type DrawRecord } from '../../../server/draw/index.js';
import { assignment, baseInput, FAST, inspector, makePool, oneStratum, roster, thrown } from './helpers/world.js';

function drawn(inspectors = roster(6), max = 100): DrawRecord {
  return draw(baseInput({ pool: makePool(8), strata: oneStratum({ count: 3 }), assignment: assignment(inspectors, { maxAssignmentsPerInspector: max }) }), FAST);
}

describe('recusal and re-assignment', () => {
  it('recuse, for an assigned inspector, records the recusal and a replacement drawn from eligible non-members', () => {
    const record = drawn([...roster(6), inspector('Z-失效', { status: '失效' })]);
    const team = record.assignment!.teams[0]!;
    const next = recuse(record, { creditCode: team.creditCode, inspectorId: team.inspectors[0]!, reason: '原工作单位' }, FAST);
    expect(record.recusals, 'the old record is untouched').to.have.length(0);
    const r = next.recusals[0]!;
    expect(r).to.include({ seq: 1, n: 1, creditCode: team.creditCode, inspectorId: team.inspectors[0], reason: '原工作单位' });
    expect(team.inspectors).to.not.include(r.replacement);
    expect(r.replacement).to.not.equal('Z-失效');
    expect(currentTeams(next).get(team.creditCode)).to.deep.equal([r.replacement, team.inspectors[1]]);
  });

  it('recuse, called twice with the same request on the same record, draws the same replacement', () => {
    const record = drawn();
    const team = record.assignment!.teams[1]!;
    const request = { creditCode: team.creditCode, inspectorId: team.inspectors[1]!, reason: '亲属' };
    expect(recuse(record, request, FAST).recusals[0]!.replacement).to.equal(recuse(record, request, FAST).recusals[0]!.replacement);
  });

  it('recuse, a second time on the same entity, uses n = 2 and never returns an inspector who recused before', () => {
    const record = drawn(roster(4));
    const team = record.assignment!.teams[0]!;
    const first = recuse(record, { creditCode: team.creditCode, inspectorId: team.inspectors[0]!, reason: '一' }, FAST);
    const replacement = first.recusals[0]!.replacement;
    const second = recuse(first, { creditCode: team.creditCode, inspectorId: replacement, reason: '二' }, FAST);
    const r2 = second.recusals[1]!;
    expect(r2.n).to.equal(2);
    expect(r2.seq).to.equal(2);
    // Of four inspectors: one stays on the team, two recused; only one candidate is left.
    const left = roster(4).map((i) => i.id).filter((id) => ![team.inspectors[0], team.inspectors[1], replacement].includes(id));
    expect(r2.replacement).to.equal(left[0]);
  });

  it('recuse, when no inspector is left, throws TEAM_INFEASIBLE naming the entity and why', () => {
    const record = drawn(roster(3));
    const team = record.assignment!.teams[0]!;
    const once = recuse(record, { creditCode: team.creditCode, inspectorId: team.inspectors[0]!, reason: '一' }, FAST);
    const e = thrown(() => recuse(once, { creditCode: team.creditCode, inspectorId: once.recusals[0]!.replacement, reason: '二' }, FAST));
    expect(e).to.be.instanceOf(TeamInfeasibleError);
    expect((e as TeamInfeasibleError).excluded).to.include({ recused: 2, onTeam: 1 });
    expect(e.message).to.contain(team.creditCode);
  });

  it('recuse, for an inspector not on the team or an entity without a team, throws RECUSAL_INVALID', () => {
    const record = drawn();
    const team = record.assignment!.teams[0]!;
    const outsider = roster(6).map((i) => i.id).find((id) => !team.inspectors.includes(id))!;
    for (const request of [
      { creditCode: team.creditCode, inspectorId: outsider, reason: 'x' },
      { creditCode: makePool(8).map((e) => e.creditCode).find((c) => !record.assignment!.teams.some((t) => t.creditCode === c))!, inspectorId: team.inspectors[0]!, reason: 'x' },
      { creditCode: team.creditCode, inspectorId: team.inspectors[0]!, reason: '  ' },
    ]) {
      expect((thrown(() => recuse(record, request, FAST)) as DrawError).code).to.equal('RECUSAL_INVALID');
    }
  });
});
