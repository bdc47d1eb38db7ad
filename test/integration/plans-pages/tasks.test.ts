// The task pages over the draw use cases: field messages on bad input in both languages, the
// whole workflow over HTTP (preview writes nothing, announce, two lottery entries — a mismatch
// shown as such — draw now, result, exports, record, lock, dispatch, redo with a second
// supervisor's approval, both draws visible) and who may see or do what.
import { expect } from 'chai';
import request from 'supertest';
import { Announcement, AuditEvent, DrawRun, Task } from '../../../models/index.js';
import { verify } from '../../../server/draw/index.js';
import { signInAs, type SignedIn } from '../../helpers/auth.js';
import { fakeRelay, seedWorld, type FakeRelay } from '../plans/support.js';
import { location, pagesApp, PLAN_FIELDS, post, supervisorOf, taskFields } from './support.js';
import type { Express } from 'express';

async function publishedPlan(chen: SignedIn): Promise<string> {
  const path = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
  await post(chen, `${path}/publish`, {}).expect(303);
  return path.split('/').pop()!;
}

async function newTask(app: Express, chen: SignedIn, overrides: Record<string, string> = {}): Promise<string> {
  const planKey = await publishedPlan(chen);
  return location(await post(chen, '/tasks', taskFields(planKey, overrides)).expect(303));
}

describe('task pages', () => {
  let relay: FakeRelay;
  beforeEach(async () => { relay = await fakeRelay(); await seedWorld({ entities: 30, inspectors: 6 }); });
  afterEach(async () => { await relay.close(); });

  it('POST /tasks, with an item not on the published list, a bad cron and no number, answers 422 naming each field in zh-CN and en, keeping the values', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const planKey = await publishedPlan(chen);
    const bad = taskFields(planKey, { number: '', itemCodes: 'A99', scheduleCron: '99 * * * *', name: '保留的名称' });
    const zh = await post(chen, '/tasks', bad).expect(422);
    expect(zh.text).to.contain('只能检查已公布抽查事项清单中的有效事项。');
    expect(zh.text).to.contain('定时表达式无效。');
    expect(zh.text).to.contain('value="保留的名称"');
    const en = await post(chen, '/tasks', bad, 'en').expect(422);
    expect(en.text).to.contain('Not a valid cron expression.');
    expect(en.text).to.contain('Only active items of the published inspection-item list may be inspected.');
    const noSchedule = await post(chen, '/tasks', taskFields(planKey, { scheduleAt: '', s0Count: 'x' }), 'en').expect(422);
    expect(noSchedule.text).to.contain('Give a draw time or a cron schedule.');
    expect(await Task.countDocuments()).to.equal(0);
    // A 即时 task is not drawn: it needs no draw time.
    await post(chen, '/tasks', taskFields(planKey, { scheduleAt: '', inspectionType: '即时' })).expect(303);
    expect(await Task.countDocuments({ inspectionType: '即时' })).to.equal(1);
  });

  it('a supervisor previews (nothing written), announces, two users enter the lottery (a mismatch is shown), draws, exports, locks, dispatches, and a redo needs a reason and a second supervisor', async () => {
    const { app, clock } = pagesApp([relay.url], '2026-07-23T07:30:00Z');
    const chen = await supervisorOf(app);
    const li = await supervisorOf(app);
    const wang = await supervisorOf(app);
    const task = await newTask(app, chen);

    const preview = await chen.agent.get(`${task}/preview`).expect(200);
    expect(preview.text).to.contain('data-feasible');
    expect(preview.text).to.contain('30 户');
    expect(await Announcement.countDocuments()).to.equal(0);

    await post(chen, `${task}/announce`, {}).expect(303);
    const a = (await Announcement.findOne().lean())!;
    const page = (await chen.agent.get(task).expect(200)).text;
    expect(page).to.contain(a.digest);
    expect(page).to.contain('drand quicknet 第 30662992 轮');
    const pub = await request(app).get(`/announcements/${task.split('/').pop()}`).expect(200);
    expect(pub.text).to.contain(a.digest);
    expect(pub.text).to.contain('福彩3D');

    const entry = { announcementId: a._id.toString(), index: '1' };
    // The 24 July 福彩3D is drawn that evening: no entry before 21:30 Beijing time, and no draw.
    const tooSoon = (await post(chen, `${task}/lottery`, { ...entry, lotteryText: '3 1 4' }).expect(422)).text;
    expect(tooSoon).to.contain('该期彩票尚未开奖公布');
    expect(tooSoon).to.match(/data-lottery-from>该期彩票于 2026-07-24 21:30 开奖公布/);
    const early = await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(409);
    expect(early.text).to.contain('暂不能抽取');
    clock.set('2026-07-23T07:39:02Z'); // the draw time and its drand round: the lottery still does not exist
    const waiting = (await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(409)).text;
    // The refusal says why in the page's language (drawCheck.reason.*), never the use case's English.
    expect(waiting).to.contain('福彩3D 2026-07-24：开奖结果尚未公布');
    expect(waiting).not.to.contain('the result is not published yet');
    expect(waiting).to.contain('自 2026-07-24 21:30 起可录入');
    expect(await DrawRun.countDocuments()).to.equal(0);
    clock.set('2026-07-24T13:30:00Z');
    expect((await post(chen, `${task}/lottery`, { ...entry, lotteryText: 'abc' }).expect(422)).text).to.contain('不是所公告彩票玩法的开奖结果。');
    await post(chen, `${task}/lottery`, { ...entry, lotteryText: '3 1 4' }).expect(303);
    await post(li, `${task}/lottery`, { ...entry, lotteryText: '3 1 5' }).expect(303);
    expect((await chen.agent.get(task).expect(200)).text).to.contain('data-source-state="mismatch"');
    await post(li, `${task}/lottery/withdraw`, { ...entry, reason: '录错' }).expect(303);
    const withdrawn = (await li.agent.get(task).expect(200)).text;
    expect(withdrawn).to.contain('您的录入已撤回');
    expect(withdrawn).to.contain('已撤回：录错');
    await post(li, `${task}/lottery`, { ...entry, lotteryText: '314' }).expect(303);

    await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(303);
    const run = (await DrawRun.findOne().lean())!;
    expect(run.state).to.equal('complete');
    const runPath = `${task}/runs/${run._id.toString()}`;
    const result = (await chen.agent.get(runPath).expect(200)).text;
    expect(result.match(/data-row="selected"/g)).to.have.length(5);
    expect(result.match(/data-row="alternate"/g)).to.have.length(2);
    const csv = await chen.agent.get(`${runPath}/list.csv`).expect(200);
    expect(csv.text.startsWith('\uFEFF序号,统一社会信用代码')).to.equal(true);
    const xlsx = await chen.agent.get(`${runPath}/list.xlsx`).buffer(true).parse((res, done) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => done(null, Buffer.concat(chunks))); }).expect(200);
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
    const record = await request(app).get(`/announcements/${task.split('/').pop()}/runs/${run._id.toString()}/record.json`).expect(200);
    expect(verify(JSON.parse(record.text), { published: { announcementDigest: a.digest } }).ok).to.equal(true);

    await post(chen, `${runPath}/dispatch`, {}).expect(409);
    await post(chen, `${runPath}/lock`, {}).expect(303);
    await post(chen, `${runPath}/dispatch`, {}).expect(303);
    expect((await chen.agent.get(runPath).expect(200)).text).to.contain('HJ-SCJG');

    expect((await post(chen, `${runPath}/redo`, { redoReason: '' }).expect(422)).text).to.contain('重新抽取须说明理由。');
    expect((await post(chen, `${runPath}/redo`, { redoReason: '' }, 'en').expect(422)).text).to.contain('field-error');
    await post(chen, `${runPath}/redo`, { redoReason: '名单录入有误' }).expect(303);
    // The requester is offered no approve button; another supervisor is.
    expect((await chen.agent.get(task).expect(200)).text).not.to.match(/\/redo\/[0-9a-f]{24}\/approve/);
    const requestId = /\/redo\/([0-9a-f]{24})\/approve/.exec((await li.agent.get(task).expect(200)).text)![1];
    expect((await post(chen, `${task}/redo/${requestId}/approve`, {}).expect(403)).text).to.contain('不能批准');
    await post(wang, `${task}/redo/${requestId}/approve`, {}).expect(303);
    expect(await Announcement.countDocuments()).to.equal(2);
    const both = (await request(app).get(`/announcements/${task.split('/').pop()}`).expect(200)).text;
    expect(both).to.contain('data-announcement="1"');
    expect(both).to.contain('data-announcement="2"');
    expect(both).to.contain('名单录入有误');
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(0); // published list: not audited

    // Every page of the workflow, in both languages, shows messages, never a raw catalogue key.
    const rawKey = />[^<]*\b(?:plans|tasks|run|announce|preview|waiting|source|condition)\.[a-zA-Z_]+(?:\.[a-zA-Z_]+)*\b[^<]*</;
    const planPath = `/plans/${(await Task.findOne().lean())!.planKey}`;
    for (const lang of ['zh-CN', 'en']) {
      for (const path of ['/supervisor', '/plans', planPath, `${planPath}/amend`, '/tasks', '/tasks/new', task, `${task}/preview`, runPath]) {
        const res = await wang.agent.get(`${path}?lang=${lang}`).expect(200);
        expect(rawKey.exec(res.text)?.[0], `${path} in ${lang}`).to.equal(undefined);
      }
      const res = await request(app).get(`/announcements/${task.split('/').pop()}?lang=${lang}`).expect(200);
      expect(rawKey.exec(res.text)?.[0], `announcement in ${lang}`).to.equal(undefined);
    }
  });

  it('an unpublished drawn list: its page and exports are audited views; the public page offers no record and the record answers 403', async () => {
    const { app, clock } = pagesApp([relay.url], '2026-07-23T07:30:00Z');
    const chen = await supervisorOf(app);
    const task = await newTask(app, chen, { publishList: '', lotteryGame: '' });
    await post(chen, `${task}/announce`, {}).expect(303);
    const a = (await Announcement.findOne().lean())!;
    clock.set('2026-07-23T07:39:02Z');
    await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(303);
    const run = (await DrawRun.findOne().lean())!;
    await chen.agent.get(`${task}/runs/${run._id.toString()}`).expect(200);
    await chen.agent.get(`${task}/runs/${run._id.toString()}/list.csv`).expect(200);
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(2);
    const id = task.split('/').pop();
    const pub = (await request(app).get(`/announcements/${id}`).expect(200)).text;
    expect(pub).not.to.contain('data-record');
    await request(app).get(`/announcements/${id}/runs/${run._id.toString()}/record.json`).expect(403);
  });

  it('another department\'s supervisor gets 403 for the task and its actions; an inspector 403; anonymous callers sign in; an unknown task 404', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const task = await newTask(app, chen);
    const other = await supervisorOf(app, 'HJ-WJ');
    await other.agent.get(task).expect(403);
    await other.agent.get(`${task}/preview`).expect(403);
    await post(other, `${task}/announce`, {}).expect(403);
    expect((await other.agent.get('/tasks').expect(200)).text).not.to.contain('登记事项抽查');
    const inspector = await signInAs(app, 'inspector');
    await inspector.agent.get(task).expect(403);
    await post(inspector, '/tasks', {}).expect(403);
    expect(location(await request(app).get(task).expect(303))).to.match(/^\/login/);
    await chen.agent.get('/tasks/0123456789abcdef01234567').expect(404);
    await request(app).get('/announcements/0123456789abcdef01234567').expect(404);
    expect(await Announcement.countDocuments()).to.equal(0);
  });

  it('the supervisor start page lists the plan and what the task waits for', async () => {
    const { app } = pagesApp([relay.url]);
    const chen = await supervisorOf(app);
    await newTask(app, chen);
    const start = (await chen.agent.get('/supervisor').expect(200)).text;
    expect(start).to.contain('洪市监〔2026〕9号');
    expect(start).to.contain('发布公告（下次抽取');
    expect(start).not.to.contain('data-empty="plans"');
  });

  it('an admin reads every department\'s tasks (list, page, preview, a published drawn list) with no action offered, and every action is refused', async () => {
    const { app, clock } = pagesApp([relay.url], '2026-07-23T07:30:00Z');
    const chen = await supervisorOf(app);
    const task = await newTask(app, chen, { lotteryGame: '' });
    const admin = await signInAs(app, 'admin');
    expect((await admin.agent.get('/tasks').expect(200)).text).to.contain('登记事项抽查');
    const before = (await admin.agent.get(task).expect(200)).text;
    expect(before).to.contain('登记事项抽查');
    expect(before).not.to.contain('data-action="announce"');
    await admin.agent.get(`${task}/preview`).expect(200);
    await post(admin, `${task}/announce`, {}).expect(403);
    expect(await Announcement.countDocuments()).to.equal(0);
    await post(chen, `${task}/announce`, {}).expect(303);
    const a = (await Announcement.findOne().lean())!;
    clock.set('2026-07-23T07:39:02Z');
    const due = (await admin.agent.get(task).expect(200)).text;
    expect(due).not.to.contain('data-action="draw"');
    await post(admin, `${task}/draw`, { announcementId: a._id.toString() }).expect(403);
    expect(await DrawRun.countDocuments()).to.equal(0);
    await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(303);
    const run = (await DrawRun.findOne().lean())!;
    const runPage = (await admin.agent.get(`${task}/runs/${run._id.toString()}`).expect(200)).text; // the list is published
    expect(runPage.match(/data-row="selected"/g)).to.have.length(5);
    expect(runPage).not.to.match(/data-action="(lock|dispatch|teams)"/);
    await post(admin, `${task}/runs/${run._id.toString()}/lock`, {}).expect(403);
    await post(admin, `${task}/runs/${run._id.toString()}/redo`, { redoReason: '试' }).expect(403);
    expect((await admin.agent.get(`/plans/${(await Task.findOne().lean())!.planKey}`).expect(200)).text).to.contain('登记事项抽查');
  });

  it('an admin does not read a task\'s unpublished drawn list (it stays with the task\'s supervisors)', async () => {
    const { app, clock } = pagesApp([relay.url], '2026-07-23T07:30:00Z');
    const chen = await supervisorOf(app);
    const task = await newTask(app, chen, { publishList: '', lotteryGame: '' });
    await post(chen, `${task}/announce`, {}).expect(303);
    const a = (await Announcement.findOne().lean())!;
    clock.set('2026-07-23T07:39:02Z');
    await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(303);
    const run = (await DrawRun.findOne().lean())!;
    const admin = await signInAs(app, 'admin');
    await admin.agent.get(task).expect(200);
    await admin.agent.get(`${task}/runs/${run._id.toString()}`).expect(403);
    await admin.agent.get(`${task}/runs/${run._id.toString()}/list.csv`).expect(403);
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(0);
  });
});
