// The entity's statement (陈述申辩) against the real app and database: the reply code on the record
// opens the submitted findings and the statement form; the period is counted in working days from
// the latest submission; approval for publication waits for the period unless the entity made a
// statement that was answered or declared it will not make one; the reviewer answers in writing
// (reasons required when not accepted); the publication says that a statement was made and how it
// was decided — never its text.
import { expect } from 'chai';
import { AuditEvent } from '../../../models/audit-event.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { dashboard, dueDates } from '../../../server/inspections/queries.js';
import { answerStatement, makeStatement } from '../../../server/inspections/statement.js';
import { FINDING, submitted } from '../inspections/progress.js';
import { inspectorActing, pageOf, postForm } from '../inspections/support.js';
import { checkInWithCode } from '../../../server/inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings } from '../../../server/inspections/findings.js';
import { signInAs } from '../../helpers/auth.js';
import { enterpriseWorld, postReply, visitor, type EnterpriseWorld } from './support.js';

const STATEMENT = '我公司已于7月20日补报年报，有回执为证（marker-statement-7f3a）。';
const REASONS = '补报时间晚于公示期限，事实清楚。';

const load = (id: string) => Inspection.findById(id).lean<InspectionRecord>();
const failure = (p: Promise<unknown>) => p.then(() => null, (e: { name?: string; status?: number; localMessage?: { key: string } }) => e);

describe('the entity\'s statement (陈述申辩) and the review', () => {
  let world: EnterpriseWorld;
  let first: InspectionRecord;
  let code: string;

  beforeEach(async () => {
    world = await enterpriseWorld();
    first = world.first;
    await submitted(world, first); // Friday 24 July 2026, 09:00 Beijing
    code = (await load(first._id))!.reply!.code!;
  });
  afterEach(async () => { await world.relay.close(); });

  it('the record the entity signs prints its reply code; POST /check/reply with it shows the submitted findings and the statement form open until the 5th working day', async () => {
    const record = await world.a.agent.get(`${pageOf(first._id)}/record`).expect(200);
    expect(record.text).to.include(code.replace(/(.{4})(?=.)/g, '$1-')).and.include('data-reply-code');
    const v = await visitor(world.app);
    const res = await postReply(v, '/check/reply', { replyCode: code.toLowerCase().replace(/(.{4})(?=.)/g, '$1 ') }).expect(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text).to.include(FINDING.problems!).and.include(first.entityName).and.include('data-phase="review"');
    // Friday 24 July + 5 working days: the weekend does not count.
    expect(res.text).to.include('data-statement="open"').and.include('2026-07-31').and.include('data-form="statement"');
    expect(res.text).to.include('data-form="rating"');
  });

  it('approval waits for the period while no statement was made (409 naming its last day), return does not; on the day after, approval publishes with "no statement"', async () => {
    const res = await postForm(world.chenUser, `${pageOf(first._id)}/review`, { decision: 'approve', reviewComment: '', publishAt: '' }).expect(409);
    expect(res.text).to.include('2026-07-31').and.include('data-refusal');
    expect((await load(first._id))!.state).to.equal('submitted');
    world.clock.set('2026-07-31T15:59:00Z'); // 23:59 on the last day, Beijing
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.periodOpen');
    world.clock.set('2026-07-31T16:01:00Z'); // Saturday 1 August, Beijing
    const done = await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings);
    expect(done.state).to.equal('published');
    expect((done.publication as { statement: unknown }).statement).to.deep.equal({ made: false });
  });

  it('returning the result is never held up by the period', async () => {
    const returned = await reviewInspection(first._id, { decision: 'return', comment: '请补充' }, world.chen, world.settings);
    expect(returned.state).to.equal('returned');
  });

  it('a statement blocks approval until answered, whatever the date; "not accepted" needs reasons; the publication says it was made and not accepted, without its text', async () => {
    const v = await visitor(world.app);
    const made = await postReply(v, '/check/reply/statement', { replyCode: code, statementText: STATEMENT, waive: 'no' }).expect(200);
    expect(made.text).to.include('已收到您的陈述申辩').and.include('data-fact="statement-text"').and.include('data-fact="awaiting-answer"');
    const stored = (await load(first._id))!;
    expect(stored.statement).to.include({ kind: 'statement', text: STATEMENT, visit: 1, revision: stored.revision });

    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.unanswered');
    // The reviewer sees it on the page with the answer form; the team sees it without the form.
    const page = await world.chenUser.agent.get(pageOf(first._id)).expect(200);
    expect(page.text).to.include('marker-statement-7f3a').and.include('data-form="statement-answer"');
    const teamPage = await world.a.agent.get(pageOf(first._id)).expect(200);
    expect(teamPage.text).to.include('marker-statement-7f3a').and.not.include('data-form="statement-answer"');
    // The supervisors' dashboard counts it under the statements to answer.
    const toAnswer = async () => (await dashboard(world.chen, await dueDates(world.settings))).find((s) => s.view === 'statement_to_answer')?.count;
    expect(await toAnswer()).to.equal(1);

    world.clock.set('2026-08-10T02:00:00Z'); // long after the period
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.unanswered');
    world.chenUser = await signInAs(world.app, 'supervisor', { departmentCode: 'HJ-SCJG' }); // the earlier session has expired by now
    const missing = await postForm(world.chenUser, `${pageOf(first._id)}/statement/answer`, { statementDecision: 'not_accepted', statementReasons: '' }).expect(422);
    expect(missing.text).to.include('field-statementReasons-error');
    await postForm(world.chenUser, `${pageOf(first._id)}/statement/answer`, { statementDecision: 'not_accepted', statementReasons: REASONS }).expect(303);
    expect(await toAnswer()).to.equal(0);
    await postForm(world.chenUser, `${pageOf(first._id)}/statement/answer`, { statementDecision: 'accepted', statementReasons: '' }).expect(409);

    const published = await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings);
    expect(published.state).to.equal('published');
    expect((published.publication as { statement: unknown }).statement).to.deep.equal({ made: true, decision: 'not_accepted', answeredOn: '2026-08-10' });
    expect(JSON.stringify(published.publication)).to.not.include('marker-statement-7f3a').and.not.include(REASONS);

    const after = await postReply(v, '/check/reply', { replyCode: code }).expect(200);
    expect(after.text).to.include('data-decision="not_accepted"').and.include(REASONS).and.include('data-phase="published"');

    const audit = (await AuditEvent.find({ 'target.id': first._id }).lean()).filter((e) => e.action.startsWith('inspection.statement'));
    expect(audit.map((e) => e.action).sort()).to.deep.equal(['inspection.statement', 'inspection.statement_answer']);
    const statementEntry = audit.find((e) => e.action === 'inspection.statement')!;
    expect(statementEntry.actor).to.deep.include({ kind: 'system', label: 'entity (reply code)' });
    expect(JSON.stringify(statementEntry)).to.not.include('marker-statement-7f3a');
    expect((statementEntry.after as { textSha256: string }).textSha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('an accepted statement needs no reasons and the publication says it was accepted', async () => {
    await makeStatement((await load(first._id))!, { kind: 'statement', text: STATEMENT }, world.settings);
    await answerStatement(first._id, { decision: 'accepted' }, world.chen, world.settings);
    const published = await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings);
    expect((published.publication as { statement: unknown }).statement).to.deep.include({ made: true, decision: 'accepted' });
  });

  it('a declaration that no statement will be made lets approval go ahead at once', async () => {
    const v = await visitor(world.app);
    const res = await postReply(v, '/check/reply/statement', { replyCode: code, statementText: '', waive: 'yes' }).expect(200);
    expect(res.text).to.include('data-statement="waived"');
    await postForm(world.chenUser, `${pageOf(first._id)}/review`, { decision: 'approve', reviewComment: '', publishAt: '' }).expect(303);
    const published = (await load(first._id))!;
    expect(published.state).to.equal('published');
    expect((published.publication as { statement: unknown }).statement).to.deep.equal({ made: false });
  });

  it('one statement or declaration per visit; an empty statement is a field problem; after the last day it is refused', async () => {
    const v = await visitor(world.app);
    const empty = await postReply(v, '/check/reply/statement', { replyCode: code, statementText: '  ', waive: 'no' }).expect(422);
    expect(empty.text).to.include('field-statementText-error');
    await postReply(v, '/check/reply/statement', { replyCode: code, statementText: '', waive: 'yes' }).expect(200);
    const again = await postReply(v, '/check/reply/statement', { replyCode: code, statementText: STATEMENT, waive: 'no' }).expect(409);
    expect(again.text).to.include('声明放弃陈述申辩');
    expect((await load(first._id))!.statement?.kind).to.equal('waived');

    const other = world.inspections[1]!;
    await submitted(world, other);
    const otherCode = (await load(other._id))!.reply!.code!;
    world.clock.set('2026-07-31T16:01:00Z'); // 1 August, Beijing: the day after the period
    const late = await postReply(v, '/check/reply/statement', { replyCode: otherCode, statementText: STATEMENT, waive: 'no' }).expect(409);
    expect(late.text).to.include('2026-07-31');
    expect((await load(other._id))!.statement?.kind).to.equal(undefined);
  });

  it('the period restarts with a resubmission after a return, and only a submitted result takes a statement', async () => {
    await reviewInspection(first._id, { decision: 'return', comment: '请补充' }, world.chen, world.settings);
    const v = await visitor(world.app);
    const closed = await postReply(v, '/check/reply/statement', { replyCode: code, statementText: STATEMENT, waive: 'no' }).expect(409);
    expect(closed.text).to.include('data-phase="correcting"');
    world.clock.set('2026-07-28T02:00:00Z'); // Tuesday 28 July: corrected and resubmitted
    const [a, b] = first.team as [string, string];
    const saved = await saveFindings(first._id, [FINDING], FINDING.resultCategory, inspectorActing(a), world.settings);
    await confirmFindings(first._id, saved.revision, inspectorActing(a), world.settings);
    await confirmFindings(first._id, saved.revision, inspectorActing(b), world.settings);
    await submitFindings(first._id, inspectorActing(a), world.settings);
    const res = await postReply(v, '/check/reply', { replyCode: code }).expect(200);
    expect(res.text).to.include('data-statement="open"').and.include('2026-08-04'); // Tue 28 July + 5 working days
    world.clock.set('2026-08-01T02:00:00Z'); // after the first period, inside the second
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.periodOpen');
  });

  it('a statement answered on earlier findings does not carry over: after a return and new findings, the entity is heard anew and the earlier one is kept', async () => {
    await makeStatement(first, { kind: 'statement', text: STATEMENT }, world.settings);
    await answerStatement(first._id, { decision: 'not_accepted', reasons: REASONS }, world.chen, world.settings);
    await reviewInspection(first._id, { decision: 'return', comment: '请补充' }, world.chen, world.settings);
    world.clock.set('2026-07-28T02:00:00Z');
    const [a, b] = first.team as [string, string];
    const saved = await saveFindings(first._id, [{ ...FINDING, problems: '补报后仍有遗漏' }], FINDING.resultCategory, inspectorActing(a), world.settings);
    await confirmFindings(first._id, saved.revision, inspectorActing(a), world.settings);
    await confirmFindings(first._id, saved.revision, inspectorActing(b), world.settings);
    await submitFindings(first._id, inspectorActing(a), world.settings);
    // The earlier answer does not let approval through: a new period runs.
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.periodOpen');
    const again = await makeStatement((await load(first._id))!, { kind: 'statement', text: `${STATEMENT}（第二次）` }, world.settings);
    expect(again.statement?.revision).to.equal(saved.revision);
    expect(again.earlierStatements).to.have.length(1);
    expect((again.earlierStatements![0] as { text: string; answer: { decision: string } })).to.deep.include({ text: STATEMENT }).and.nested.include({ 'answer.decision': 'not_accepted' });
  });

  it('STATEMENT_WORKING_DAYS sets the period: 1 working day from a Friday ends on Monday', async () => {
    world.settings.statementWorkingDays = 1;
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.periodOpen');
    world.clock.set('2026-07-27T15:59:00Z'); // Monday 27 July 23:59 Beijing
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)))?.localMessage?.key).to.equal('statement.error.periodOpen');
    world.clock.set('2026-07-27T16:01:00Z');
    expect((await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)).state).to.equal('published');
  });

  it('only an independent supervisor answers: a team member is refused, and so is a supervisor who was on the team', async () => {
    await makeStatement((await load(first._id))!, { kind: 'statement', text: STATEMENT }, world.settings);
    const member = await postForm(world.a, `${pageOf(first._id)}/statement/answer`, { statementDecision: 'accepted', statementReasons: '' });
    expect(member.status).to.be.oneOf([403, 404]);
    const e = await failure(answerStatement(first._id, { decision: 'accepted' }, inspectorActing(first.team[0]!, 'supervisor'), world.settings));
    expect(e?.name).to.equal('ForbiddenError');
    expect((await load(first._id))!.statement?.answer?.decision).to.equal(undefined);
  });

  it('without a statement period in the settings (other features\' tests) approval does not wait and no statement can be made', async () => {
    delete world.settings.statementWorkingDays;
    const e = await failure(makeStatement((await load(first._id))!, { kind: 'statement', text: STATEMENT }, world.settings));
    expect(e?.localMessage?.key).to.equal('statement.error.notOpen');
    expect((await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings)).state).to.equal('published');
  });

  it('a check-in issues a new reply code for each visit (rejected → inspected again): the old one stops working', async () => {
    await reviewInspection(first._id, { decision: 'reject', comment: '重新检查' }, world.chen, world.settings);
    const [a, b] = first.team as [string, string];
    const again = await checkInWithCode(first._id, (await load(first._id))!.checkCode!, [a, b], inspectorActing(a), world.settings);
    expect(again.reply!.visit).to.equal(2);
    expect(again.reply!.code).to.not.equal(code);
    const v = await visitor(world.app);
    await postReply(v, '/check/reply', { replyCode: code }).expect(404);
    await postReply(v, '/check/reply', { replyCode: again.reply!.code! }).expect(200);
  });
});
