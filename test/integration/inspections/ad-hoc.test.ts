// 线索核查 and 即时 inspections, which nobody draws: a supervisor of the task's department creates
// each one on /inspections/new (from the task page's "新建检查") — the entity from the roster, a
// team of at least two of the department's inspectors with certificates valid on the day
// (assigned, not drawn: the record says so, with the clue), the task's items — exactly once per
// form, audited; a 线索核查 is approved before entry, an 即时 may be carried out first and
// approved afterwards (flagged on the page, the record and the supervisors' dashboard); both are
// outside the annual caps unless the configuration counts them.
import { expect } from 'chai';
import type { Express } from 'express';
import { AuditEvent } from '../../../models/audit-event.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { Inspector } from '../../../models/inspector.js';
import { MarketEntity } from '../../../models/market-entity.js';
import type { TaskRecord } from '../../../models/task.js';
import { createAdHocInspection, newFormToken } from '../../../server/inspections/ad-hoc.js';
import { approveInspection } from '../../../server/inspections/approval.js';
import { fileLateCheckIn } from '../../../server/inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings } from '../../../server/inspections/findings.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { FINDING } from './progress.js';
import type { InspectionSettings } from '../../../server/inspections/settings.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import type { Acting } from '../../../server/plans/acting.js';
import { testApp } from '../../helpers/app.js';
import { signIn, signInAs, type SignedIn } from '../../helpers/auth.js';
import { createInspector } from '../../helpers/factories.js';
import { makeTask, publishedPlanKey, seedWorld, supervisor, testClock, type TestClock } from '../plans/support.js';
import { describeItemA01, inspectorActing, inspectorUser, pageOf, postForm, seedDictionaries } from './support.js';

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Catalogue keys that leaked into a page instead of their text. */
const rawKeys = (html: string) => [...html.matchAll(/\b(?:inspections?|error\.field|tasks|form)\.[a-z][A-Za-z_]*(?:\.[A-Za-z_]+)*\b/g)].map((m) => m[0]).filter((k) => !/\.(?:css|js|ejs|ts)$/.test(k));

interface World {
  app: Express; clock: TestClock; settings: InspectionSettings; chen: Acting; boss: SignedIn;
  codes: string[]; inspectors: string[]; immediate: TaskRecord; clue: TaskRecord; drawn: TaskRecord;
}

async function world(): Promise<World> {
  const { codes } = await seedWorld({ entities: 6, inspectors: 4 });
  await seedDictionaries();
  await describeItemA01();
  const chen = supervisor('chen');
  const planKey = await publishedPlanKey(chen);
  const [immediate, clue, drawn] = [await makeTask(chen, planKey, { inspectionType: '即时', name: '食品安全投诉即时检查' }), await makeTask(chen, planKey, { inspectionType: '线索核查', name: '举报线索核查' }), await makeTask(chen, planKey)];
  const clock = testClock('2026-07-24T01:00:00Z'); // Friday 09:00 in Beijing
  const settings: InspectionSettings = { timeZone: 'Asia/Shanghai', now: clock.now, calendar: workingCalendar, lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5 };
  const app = testApp({ now: clock.now });
  const inspectors = (await Inspector.find({ departmentCode: 'HJ-SCJG' }).sort({ inspectorId: 1 }).lean()).map((i) => i.inspectorId);
  const boss = await signInAs(app, 'supervisor', { departmentCode: 'HJ-SCJG', displayName: '王科长' });
  return { app, clock, settings, chen, boss, codes, inspectors, immediate, clue, drawn };
}

async function page(user: SignedIn, path: string, status = 200, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  const res = await user.agent.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`).expect(status);
  expect(rawKeys(res.text), `raw message keys on ${path}`).to.deep.equal([]);
  return res.text;
}

const tokenOf = (html: string) => /name="formToken" value="([0-9a-f]{32})"/.exec(html)![1]!;

describe('ad-hoc inspections (线索核查, 即时)', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });

  it('POST /inspections/new, from the task page\'s 新建检查, creates one assigned inspection per form (sent twice: still one), audited once, with the clue, the leader first and the task\'s items', async () => {
    const task = await page(w.boss, `/tasks/${w.immediate._id}`);
    expect(task).to.contain('data-section="ad-hoc"').and.contain(`href="/inspections/new?task=${w.immediate._id}"`);
    expect(await page(w.boss, `/tasks/${w.drawn._id}`)).to.not.contain('data-action="new-inspection"');
    const form = await page(w.boss, `/inspections/new?task=${w.immediate._id}`);
    expect(form).to.contain('新建即时检查').and.contain('data-adhoc-rule="afterwards"').and.contain('即时不计入年度检查频次上限');
    for (const id of w.inspectors) expect(form).to.contain(`value="${id}"`);
    const formToken = tokenOf(form);
    const [leader, member] = [w.inspectors[1]!, w.inspectors[0]!];
    const fields = { task: String(w.immediate._id), formToken, creditCode: w.codes[0]!.toLowerCase(), inspectionDate: '2026-07-24', leader, members: [member, leader], adHocReason: '12345 热线投诉：销售过期食品' };

    const first = await postForm(w.boss, '/inspections/new', fields).expect(303);
    const again = await postForm(w.boss, '/inspections/new', fields).expect(303);
    expect(again.headers.location).to.equal(first.headers.location);
    const made = await Inspection.find({ taskId: w.immediate._id }).lean<InspectionRecord[]>();
    expect(made).to.have.length(1);
    const inspection = made[0]!;
    expect(inspection._id).to.equal(`adhoc|${w.immediate._id}|${w.codes[0]}|${formToken}`);
    expect(first.headers.location).to.equal(pageOf(inspection._id));
    expect(inspection).to.include({ state: 'assigned', inspectionType: '即时', creditCode: w.codes[0], inspectionDate: '2026-07-24', departmentCode: 'HJ-SCJG' });
    expect(inspection.team).to.deep.equal([leader, member]);
    expect(inspection.itemCodes).to.deep.equal(['A01']);
    expect(inspection.adHoc).to.include({ reason: '12345 热线投诉：销售过期食品' });
    expect(inspection.adHoc!.by!.label).to.equal(w.boss.username);
    expect(inspection.outboxPending).to.equal(undefined);
    const audit = await AuditEvent.find({ action: 'inspection.create_ad_hoc' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.after).to.deep.include({ leader, reason: '12345 热线投诉：销售过期食品', assigned: true });

    const shown = await page(w.boss, pageOf(inspection._id));
    expect(shown).to.contain('data-fact="assigned"').and.contain('不抽取：由').and.contain('12345 热线投诉');
    expect(shown).to.match(new RegExp(`data-member="${leader}">[\\s\\S]*?data-leader`));
    expect(shown).to.not.contain('data-form="entity-recusal"');
    // A new form is a new token: a second clue about the same entity is a second inspection.
    expect(tokenOf(await page(w.boss, `/inspections/new?task=${w.immediate._id}`))).to.not.equal(formToken);
  });

  it('POST /inspections/new, with bad input, re-renders the form (422) with field messages and the typed values, and creates nothing', async () => {
    const formToken = newFormToken();
    const [a, b, c] = w.inspectors as [string, string, string];
    await Inspector.updateOne({ inspectorId: c }, { $set: { certificates: [{ number: '99990000001', issuer: 'x', validFrom: new Date('2020-01-01'), validUntil: new Date('2026-07-01') }] } });
    const base = { task: String(w.clue._id), formToken, inspectionDate: '2026-07-24', adHocReason: '群众举报' };
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ creditCode: '', leader: '', adHocReason: '' }, 'creditCode', '必填'],
      [{ creditCode: '91430100MA4L0000X0', leader: a, members: [b] }, 'creditCode', '统一社会信用代码校验位不正确'],
      [{ creditCode: w.codes[1]!, leader: a, members: [] }, 'members', '检查组至少两人（含组长）'],
      [{ creditCode: w.codes[1]!, leader: a, members: [c] }, 'members', '当日没有有效的执法证'],
      [{ creditCode: w.codes[1]!, leader: a, members: [b], inspectionDate: '2026-02-30' }, 'inspectionDate', '日期格式应为 YYYY-MM-DD'],
    ];
    for (const [fields, field, message] of cases) {
      const res = await postForm(w.boss, '/inspections/new', { ...base, ...fields }).expect(422);
      expect(res.text, field).to.contain(`field-${field}-error`).and.contain(message);
      expect(rawKeys(res.text)).to.deep.equal([]);
      expect(res.text).to.contain(`value="${formToken}"`); // the same form: a corrected submission is still one inspection
    }
    // Not on the roster (a valid code nobody has), another department's inspector, a declared conflict.
    await MarketEntity.updateOne({ creditCode: w.codes[2]! }, { $set: { active: false } });
    expect((await postForm(w.boss, '/inspections/new', { ...base, creditCode: w.codes[2]!, leader: a, members: [b] }).expect(422)).text).to.contain('名录库中没有该统一社会信用代码');
    const outsider = (await createInspector({ departmentCode: 'HJ-WJ' })).inspectorId;
    expect((await postForm(w.boss, '/inspections/new', { ...base, creditCode: w.codes[1]!, leader: a, members: [outsider] }).expect(422)).text).to.contain('非本部门的执法人员');
    await Inspector.updateOne({ inspectorId: b }, { $push: { conflicts: { kind: '亲属', creditCode: w.codes[1]! } } });
    const conflict = await postForm(w.boss, '/inspections/new', { ...base, creditCode: w.codes[1]!, leader: a, members: [b] }, 'en').expect(422);
    expect(conflict.text).to.contain('has declared a conflict with this entity');
    expect(await Inspection.countDocuments({})).to.equal(0);
  });

  it('who may: an inspector, another department\'s supervisor (403) and a drawn task (409) create nothing', async () => {
    const member = await signIn(w.app, await inspectorUser(w.inspectors[0]!));
    await member.agent.get(`/inspections/new?task=${w.clue._id}`).expect(403);
    const fields = { task: String(w.clue._id), formToken: newFormToken(), creditCode: w.codes[0]!, inspectionDate: '2026-07-24', leader: w.inspectors[0]!, members: [w.inspectors[1]!], adHocReason: 'x' };
    await postForm(member, '/inspections/new', fields).expect(403);
    const other = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-WJ' });
    await other.agent.get(`/inspections/new?task=${w.clue._id}`).expect(403);
    await postForm(other, '/inspections/new', fields).expect(403);
    const drawn = await w.boss.agent.get(`/inspections/new?task=${w.drawn._id}&lang=zh-CN`).expect(409);
    expect(drawn.text).to.contain('该任务是抽取任务');
    await postForm(w.boss, '/inspections/new', { ...fields, task: String(w.drawn._id) }).expect(409);
    await w.boss.agent.get('/inspections/new?task=000000000000000000000000').expect(404);
    expect(await Inspection.countDocuments({})).to.equal(0);
  });

  it('即时: the team checks in on certificates before any approval; the supervisor sees it awaiting approval afterwards, approves, and page and record say 事后审批', async () => {
    const inspection = await createAdHocInspection(String(w.immediate._id), { creditCode: w.codes[0]!, leader: w.inspectors[0]!, members: [w.inspectors[1]!], inspectionDate: '2026-07-24', reason: '监测预警', formToken: newFormToken() }, w.chen, w.settings, { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] });
    const url = pageOf(inspection._id);
    const a = await signIn(w.app, await inspectorUser(w.inspectors[0]!));
    const before = await page(a, url);
    expect(before).to.contain('data-form="late-check-in"').and.contain('data-immediate').and.not.contain('data-form="check-in"');
    await postForm(a, `${url}/check-in/late`, { lateDay: '2026-07-24', latePresent: [...inspection.team], lateReason: '紧急情况，先行检查' }).expect(303);
    const checkedIn = (await Inspection.findById(inspection._id).lean<InspectionRecord>())!;
    expect(checkedIn.state).to.equal('checked_in');
    expect(checkedIn.approval?.at).to.equal(undefined);

    const dashboard = await page(w.boss, '/inspections');
    expect(dashboard).to.match(/data-section="approval_afterwards" data-count="1"/);
    expect(await page(w.boss, '/inspections?view=approval_afterwards')).to.contain('data-marker="approval_afterwards"').and.contain(w.codes[0]!);
    const toApprove = await page(w.boss, url);
    expect(toApprove).to.contain('data-form="approve"').and.contain('data-afterwards').and.contain('待事后审批');
    await postForm(w.boss, `${url}/approve`, { mode: 'onsite', approveReason: '现场处置' }).expect(303);
    const approved = (await Inspection.findById(inspection._id).lean<InspectionRecord>())!;
    expect(approved.state).to.equal('checked_in'); // the work goes on where it was
    expect(approved.approval).to.include({ afterwards: true, mode: 'onsite' });
    expect(await page(w.boss, url)).to.contain('事后审批（即时检查）').and.not.contain('data-form="approve"');
    expect(await page(w.boss, `${url}/record`)).to.contain('data-afterwards').and.contain('事后审批（即时检查）').and.contain('监测预警');
    expect(await page(w.boss, '/inspections')).to.match(/data-section="approval_afterwards" data-count="0"/);
    const audit = await AuditEvent.findOne({ action: 'inspection.approve', 'target.id': inspection._id }).lean();
    expect(audit!.after).to.deep.include({ afterwards: true });
  });

  it('即时 carried out first: its result is not approved for publication until the inspection is approved afterwards; a publication time after the due day is refused', async () => {
    const inspection = await createAdHocInspection(String(w.immediate._id), { creditCode: w.codes[0]!, leader: w.inspectors[0]!, members: [w.inspectors[1]!], inspectionDate: '2026-07-24', reason: '监测预警', formToken: newFormToken() }, w.chen, w.settings, { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] });
    const [a, b] = inspection.team as [string, string];
    await fileLateCheckIn(inspection._id, { day: '2026-07-24', present: [a, b], reason: '紧急情况，先行检查' }, inspectorActing(a), w.settings);
    const entered = await saveFindings(inspection._id, [FINDING], FINDING.resultCategory, inspectorActing(a), w.settings);
    await confirmFindings(inspection._id, entered.revision, inspectorActing(a), w.settings);
    await confirmFindings(inspection._id, entered.revision, inspectorActing(b), w.settings);
    const submitted = await submitFindings(inspection._id, inspectorActing(a), w.settings);
    const refused = await reviewInspection(inspection._id, { decision: 'approve' }, w.chen, w.settings).then(() => null, (e: { problem?: string }) => e);
    expect(refused?.problem).to.equal('approval_afterwards_pending');
    await approveInspection(inspection._id, { mode: 'onsite', reason: '现场处置' }, w.chen, w.settings);
    const late = new Date(`${addDays(submitted.publishDueOn!, 1)}T02:00:00Z`);
    const tooLate = await reviewInspection(inspection._id, { decision: 'approve', publishAt: late }, w.chen, w.settings).then(() => null, (e: { fields?: Record<string, string> }) => e);
    expect(tooLate?.fields).to.deep.equal({ publishAt: 'after_publish_due' });
    const published = await reviewInspection(inspection._id, { decision: 'approve' }, w.chen, w.settings);
    expect(published.state).to.equal('published');
  });

  it('线索核查: no check-in before approval (409), no recusal by draw (409, nothing changed); approved before entry like a planned inspection', async () => {
    const inspection = await createAdHocInspection(String(w.clue._id), { creditCode: w.codes[0]!, leader: w.inspectors[0]!, members: [w.inspectors[1]!], inspectionDate: '2026-07-24', reason: '举报：无照经营', formToken: newFormToken() }, w.chen, w.settings, { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] });
    const url = pageOf(inspection._id);
    const a = await signIn(w.app, await inspectorUser(w.inspectors[0]!));
    expect(await page(a, url)).to.not.contain('data-form="late-check-in"').and.not.contain('data-form="recusal"');
    expect((await postForm(a, `${url}/check-in/late`, { lateDay: '2026-07-24', latePresent: [...inspection.team], lateReason: 'x' }).expect(409)).text).to.contain('尚未审批');
    const recusal = await postForm(a, `${url}/recusal`, { requestedBy: 'inspector', recusalReason: '亲属' }).expect(409);
    expect(recusal.text).to.contain('检查组由监管人员指派');
    await postForm(w.boss, `${url}/approve`, { mode: 'onsite', approveReason: '核实举报' }).expect(303);
    const approved = (await Inspection.findById(inspection._id).lean<InspectionRecord>())!;
    expect(approved).to.include({ state: 'approved' });
    expect(approved.approval).to.include({ afterwards: false });
    expect(approved.team).to.deep.equal(inspection.team);
  });

  it('caps: exempt types (the default, Chongqing) are never refused; a type the configuration counts is refused once the entity is at its cap', async () => {
    const input = () => ({ creditCode: w.codes[0]!, leader: w.inspectors[0]!, members: [w.inspectors[1]!], inspectionDate: '2026-07-24', reason: '举报', formToken: newFormToken() });
    const exempt = { perDepartment: 1, overall: 1, exemptTypes: ['线索核查', '即时'] };
    await createAdHocInspection(String(w.clue._id), input(), w.chen, w.settings, exempt);
    await createAdHocInspection(String(w.clue._id), input(), w.chen, w.settings, exempt);
    expect(await Inspection.countDocuments({ creditCode: w.codes[0]! })).to.equal(2);
    const counted = { perDepartment: 3, overall: 8, exemptTypes: ['即时'] };
    await createAdHocInspection(String(w.clue._id), input(), w.chen, w.settings, counted); // the third 线索核查: at the cap now
    let refused: unknown;
    try {
      await createAdHocInspection(String(w.clue._id), input(), w.chen, w.settings, counted);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.have.property('fields').that.deep.equals({ creditCode: 'adhoc.at_cap_department' });
    expect(await Inspection.countDocuments({ creditCode: w.codes[0]! })).to.equal(3);
    await createAdHocInspection(String(w.immediate._id), input(), w.chen, w.settings, counted); // 即时 is still exempt
  });

  it('the same form sent twice at once makes one inspection and one audit entry', async () => {
    const input = { creditCode: w.codes[3]!, leader: w.inspectors[2]!, members: [w.inspectors[3]!], inspectionDate: '2026-07-24', reason: '举报', formToken: newFormToken() };
    const caps = { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] };
    const made = await Promise.all(Array.from({ length: 4 }, () => createAdHocInspection(String(w.clue._id), input, w.chen, w.settings, caps)));
    expect(new Set(made.map((i) => i._id)).size).to.equal(1);
    expect(await Inspection.countDocuments({ taskId: w.clue._id })).to.equal(1);
    expect(await AuditEvent.countDocuments({ action: 'inspection.create_ad_hoc' })).to.equal(1);
  });
});
