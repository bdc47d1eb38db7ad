// The supervisors' page of 综合查一次 (/supervision/joint-visits): the quarter's window counted in
// working days, the proposals involving the reader's department, an accept form that merges and
// audits once (a second submission is answered, not repeated), and every other role refused.
import { expect } from 'chai';
import request from 'supertest';
import mongoose, { Types } from 'mongoose';
import { AuditEvent, DrawnEntity } from '../../../models/index.js';
import { signInAs } from '../../helpers/auth.js';
import { acceptJointVisitOf } from '../../../server/plans/joint.js';
import { makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock } from '../plans/support.js';
import { location, pagesApp, post, supervisorOf } from './support.js';

const PAGE = '/supervision/joint-visits';
const [BOTH, LATE, OTHERS] = ['91430102MA4L000001', '91430102MA4L000002', '91430102MA4L000003'];

async function drawnRows(): Promise<{ taskNumber: string }> {
  await seedWorld({ entities: 1, inspectors: 0 });
  const chen = supervisor('chen');
  const task = await makeTask(chen, await publishedPlanKey(chen));
  const row = (id: string, code: string, dept: string, drawnOn: string) => ({
    _id: id, runKey: `run-${id}`, taskId: dept === 'HJ-SCJG' ? task._id : new Types.ObjectId(), departmentCode: dept, inspectionType: '日常', year: 2026, drawnOn,
    creditCode: code, name: `企业${code.slice(-1)}`, stratumId: 'all', role: 'selected', order: 0,
  });
  await DrawnEntity.insertMany([
    // Mon 6 July is the 4th working day of the quarter: in the window (a calendar-day count would miss it).
    row('a', BOTH, 'HJ-SCJG', '2026-07-02'), row('b', BOTH, 'HJ-WJW', '2026-07-06'),
    // Wed 8 July is the 6th working day: outside.
    row('c', LATE, 'HJ-SCJG', '2026-07-02'), row('d', LATE, 'HJ-WJW', '2026-07-08'),
    // Two other departments: not the business of HJ-SCJG.
    row('e', OTHERS, 'HJ-JTJ', '2026-07-03'), row('f', OTHERS, 'HJ-WJW', '2026-07-03'),
  ]);
  return { taskNumber: task.number };
}

describe('joint visits page', () => {
  it('GET /supervision/joint-visits, for a supervisor, lists the proposals of their department in the working-day window; accepting merges and audits once, and a second submission says it is done', async () => {
    const { taskNumber } = await drawnRows();
    const { app } = pagesApp([], '2026-07-06T02:00:00Z');
    const chen = await supervisorOf(app, 'HJ-SCJG');
    const li = await supervisorOf(app, 'HJ-WJW');

    const page = (await chen.agent.get(`${PAGE}?lang=zh-CN`).expect(200)).text;
    expect(page).to.contain('data-window="2026-07-01/2026-07-07"');
    expect(page).to.contain('本季度窗口期：2026-07-01 至 2026-07-07（季度前 5 个工作日');
    expect(page).to.contain(`data-proposal="${BOTH}"`);
    expect(page).to.contain(`任务 ${taskNumber}`);
    expect(page).not.to.contain(LATE);
    expect(page).not.to.contain(OTHERS);
    expect(page).to.contain('name="_csrf"');
    expect((await li.agent.get(PAGE).expect(200)).text).to.contain(`data-proposal="${OTHERS}"`);
    // The start page leads there.
    expect((await chen.agent.get('/supervisor').expect(200)).text).to.contain(`href="${PAGE}"`);

    // No token: refused, nothing merged.
    await chen.agent.post(PAGE + '/accept').type('form').send({ creditCode: BOTH }).expect(403);
    expect(await DrawnEntity.countDocuments({ jointVisit: mongoose.trusted({ $type: 'string' }) })).to.equal(0);
    // A credit code that is not one: the page again with the field's message.
    expect((await post(chen, `${PAGE}/accept`, { creditCode: 'x' }).expect(422)).text).to.contain('不是有效的统一社会信用代码。');
    // Another pair of departments' proposal: refused on the page, nothing merged.
    expect((await post(chen, `${PAGE}/accept`, { creditCode: OTHERS }).expect(403)).text).to.contain('只有所涉部门的监管人员才能接受合并建议。');

    const accepted = await post(chen, `${PAGE}/accept`, { creditCode: BOTH }).expect(303);
    expect(location(accepted)).to.equal(`${PAGE}#visit-${BOTH}`);
    const merged = await DrawnEntity.find({ creditCode: BOTH }).lean();
    expect(merged.map((r) => r.jointVisit)).to.have.length(2);
    expect(new Set(merged.map((r) => r.jointVisit)).size).to.equal(1);
    expect(merged[0]!.jointVisit).to.match(/^joint\|91430102MA4L000001\|[0-9a-f]{32}$/);
    expect(await DrawnEntity.countDocuments({ jointVisit: mongoose.trusted({ $type: 'string' }) })).to.equal(2);
    const after = (await chen.agent.get(PAGE).expect(200)).text;
    expect(after).to.contain('已合并为一次联合检查。');
    expect(after).to.contain(`data-merged="${BOTH}"`);
    expect(after).not.to.contain(`data-proposal="${BOTH}"`);

    // Double submit (and the other department's supervisor): answered, nothing written again.
    await post(chen, `${PAGE}/accept`, { creditCode: BOTH }).expect(303);
    expect((await chen.agent.get(PAGE).expect(200)).text).to.contain('这些抽取已合并为一次联合检查，无需重复提交。');
    await post(li, `${PAGE}/accept`, { creditCode: BOTH }).expect(303);
    const audits = await AuditEvent.find({ action: 'draw.joint_visit' }).lean();
    expect(audits).to.have.length(1);
    expect(audits[0]!.target).to.include({ type: 'entity', id: BOTH });
    // Nothing proposed for it any more: a code never proposed is answered 404 on the page.
    expect((await post(chen, `${PAGE}/accept`, { creditCode: LATE }).expect(404)).text).to.contain('没有找到该企业本季度的合并建议');

    // English, with no raw catalogue key.
    const en = (await chen.agent.get(`${PAGE}?lang=en`).expect(200)).text;
    expect(en).to.contain('This quarter&#39;s window: 2026-07-01 to 2026-07-07');
    expect(en).not.to.match(/>[^<]*\bjoint\.[a-zA-Z_.]+[^<]*</);
  });

  it('acceptJointVisitOf, submitted by both departments at once, merges once under one id with one audit event', async () => {
    await drawnRows();
    const settings = settingsWith(testClock('2026-07-06T02:00:00Z'), []);
    const results = await Promise.all([acceptJointVisitOf(BOTH, supervisor('chen', 'HJ-SCJG'), settings), acceptJointVisitOf(BOTH, supervisor('li', 'HJ-WJW'), settings)]);
    expect(new Set(results.map((r) => r.id)).size).to.equal(1);
    expect(await AuditEvent.countDocuments({ action: 'draw.joint_visit' })).to.equal(1);
    expect(await DrawnEntity.countDocuments({ creditCode: BOTH, jointVisit: results[0]!.id })).to.equal(2);
  });

  it('after the window, the page says so and still offers its proposals', async () => {
    await drawnRows();
    const { app } = pagesApp([], '2026-08-20T02:00:00Z');
    const chen = await supervisorOf(app, 'HJ-SCJG');
    const page = (await chen.agent.get(PAGE).expect(200)).text;
    expect(page).to.contain('data-window-past');
    expect(page).to.contain(`data-proposal="${BOTH}"`);
  });

  it('observers, admins and inspectors get 403 for the page and the form; anonymous callers are sent to sign in', async () => {
    await drawnRows();
    const { app } = pagesApp([], '2026-07-06T02:00:00Z');
    for (const role of ['observer', 'admin', 'inspector'] as const) {
      const user = await signInAs(app, role, { departmentCode: 'HJ-SCJG' });
      await user.agent.get(PAGE).expect(403);
      await post(user, `${PAGE}/accept`, { creditCode: BOTH }).expect(403);
      expect((await user.agent.get(`/${role}`).expect(200)).text).not.to.contain(`href="${PAGE}"`);
    }
    expect(location(await request(app).get(PAGE).expect(303))).to.match(/^\/login/);
    expect(await DrawnEntity.countDocuments({ jointVisit: mongoose.trusted({ $type: 'string' }) })).to.equal(0);
  });
});
