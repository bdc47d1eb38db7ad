// Plans → tasks → announcement → sources → the draw → the drawn list, against the real database
// and a fake drand relay serving recorded quicknet rounds; the clock is injected.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { AuditEvent, Announcement, DrawRun, DrawnEntity, InspectionItem, Task } from '../../../models/index.js';
import { announceSlot, publishedAnnouncement } from '../../../server/plans/announce.js';
import { requestDraw, drawAnnouncement } from '../../../server/plans/draws.js';
import { viewDrawnList, drawnListCsv, drawnListXlsx, drawRecord, lockDraw, dispatchDraw } from '../../../server/plans/drawn-list.js';
import { createPlan, publishPlan, approvePlan, amendPlan, planVersions, advancePlanStatus, listPlans } from '../../../server/plans/plans.js';
import { verify } from '../../../server/draw/index.js';
import { loadTask } from '../../../server/plans/tasks.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay } from './support.js';

describe('plans, tasks and draws', () => {
  let relay: FakeRelay;
  beforeEach(async () => { relay = await fakeRelay(); });
  afterEach(async () => { await relay.close(); });

  it('a published plan\'s task, announced before its drand round, is drawn once the round is fetched and verified; the record verifies against the published digest', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 30, inspectors: 6 });
    const planKey = await publishedPlanKey(chen);
    const task = await makeTask(chen, planKey);
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, [relay.url]);
    const a = await announceSlot(task, task.schedule!.at!, chen, settings);
    const announced = publishedAnnouncement(a);
    expect(announced.pool.size).to.equal(30);
    expect(announced.randomness.entities).to.deep.equal([{ type: 'drand', chain: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971', round: 30662992, time: '2026-07-23T07:39:00Z' }]);

    // Before its time: refused, and the relay is not even asked.
    let refused = await requestDraw(a._id.toString(), chen, settings).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).message).to.contain('scheduled for 2026-07-23T07:39:00');
    expect(await DrawRun.countDocuments()).to.equal(0);
    clock.set('2026-07-23T07:39:01Z');
    const outcome = await requestDraw(a._id.toString(), chen, settings);
    expect(outcome.state).to.equal('complete');
    expect(relay.hits).to.deep.equal([30662992]);
    const again = await drawAnnouncement(a, chen, settings, 'request');
    expect(again.state).to.equal('complete');
    expect(await DrawRun.countDocuments()).to.equal(1);
    expect(await DrawnEntity.countDocuments({ role: 'selected' })).to.equal(5);
    expect(await DrawnEntity.countDocuments({ role: 'alternate' })).to.equal(2);
    expect((await loadTask(task._id)).status).to.equal('已抽取');

    const runKey = a.key;
    const { record, announcementDigest } = await drawRecord(runKey, chen);
    expect(announcementDigest).to.equal(a.digest);
    expect(verify(record, { published: { announcementDigest: a.digest } }).ok).to.equal(true);
    const list = await viewDrawnList(runKey, chen);
    expect(list.rows.filter((r) => r.role === 'selected').every((r) => r.team.length === 2)).to.equal(true);
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(2); // the record view and this one
    const csv = await drawnListCsv(runKey, chen);
    expect(csv.body.startsWith('\uFEFF序号,统一社会信用代码')).to.equal(true);
    expect(csv.body.split('\r\n').filter(Boolean)).to.have.length(8);
    const xlsx = await drawnListXlsx(runKey, chen);
    expect(xlsx.body.subarray(0, 2).toString()).to.equal('PK');
    await lockDraw(runKey, chen, settings);
    expect(await dispatchDraw(runKey, chen, settings)).to.deep.equal(['HJ-SCJG']);
    expect(await AuditEvent.countDocuments({ action: mongoose.trusted({ $in: ['draw.announce', 'draw.start', 'draw.complete', 'draw.lock', 'draw.dispatch'] }) })).to.equal(5);
  });

  it('an unpublished drawn list, read by a supervisor of another department or anonymously, is refused; the task\'s own views are audited', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 12, inspectors: 4 });
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined });
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, [relay.url]);
    const a = await announceSlot(task, task.schedule!.at!, chen, settings);
    clock.set('2026-07-23T07:39:03Z');
    await requestDraw(a._id.toString(), chen, settings);
    const other = supervisor('li', 'HJ-WJW');
    expect(await viewDrawnList(a.key, other).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    expect(await viewDrawnList(a.key, null).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(0);
    await Task.updateOne({ _id: task._id }, { $set: { publishList: true } });
    expect((await viewDrawnList(a.key, null)).rows).to.have.length(7);
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view' })).to.equal(0);
  });

  it('a 专项 plan is published only with a necessity note and a second supervisor\'s approval; amendments are new versions, all kept', async () => {
    const chen = supervisor('chen');
    const wang = supervisor('wang');
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕9号', name: '专项抽查', leadDepartment: 'HJ-SCJG', inspectionType: '专项' }, chen);
    expect(await publishPlan(plan.planKey, chen).catch((e: Error) => e.name)).to.equal('ValidationError');
    const amended = await amendPlan(plan.planKey, { necessityNote: '投诉集中，需专项检查' }, '补充必要性说明', chen);
    expect(amended.version).to.equal(2);
    expect(await publishPlan(plan.planKey, chen).catch((e: Error) => e.name)).to.equal('ConflictError');
    expect(await approvePlan(plan.planKey, chen).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    await approvePlan(plan.planKey, wang);
    const published = await publishPlan(plan.planKey, chen);
    expect(published.publishedAt).to.be.instanceOf(Date);
    expect((await planVersions(plan.planKey)).map((p) => p.version)).to.deep.equal([1, 2]);
    expect(await amendPlan(plan.planKey, {}, '', chen).catch((e: Error) => e.name)).to.equal('ValidationError');
  });

  it('a plan is changed only by its own department\'s supervisors, and moves 待执行 → 执行中 → 已完成 once published', async () => {
    const chen = supervisor('chen');
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕5号', name: '日常抽查', leadDepartment: 'HJ-SCJG', inspectionType: '日常' }, chen);
    const other = supervisor('li', 'HJ-WJW');
    expect(await amendPlan(plan.planKey, { name: '改' }, '调整', other).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    expect(await publishPlan(plan.planKey, other).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    expect(await advancePlanStatus(plan.planKey, chen).catch((e: Error) => e.name)).to.equal('ConflictError');
    await publishPlan(plan.planKey, chen, new Date('2026-04-02T00:00:00Z'));
    expect((await advancePlanStatus(plan.planKey, chen)).status).to.equal('执行中');
    expect((await advancePlanStatus(plan.planKey, chen)).status).to.equal('已完成');
    expect(await advancePlanStatus(plan.planKey, chen).catch((e: Error) => e.name)).to.equal('ConflictError');
    const published = await AuditEvent.findOne({ action: 'plan.publish' }).lean();
    expect(published?.after).to.deep.include({ late: true }); // after the default 31 March deadline
    expect(await listPlans(other)).to.deep.equal([]);
    expect((await listPlans(chen)).map((p) => p.number)).to.deep.equal(['洪市监〔2026〕5号']);
  });

  it('a task of an unpublished plan, or of an inactive item, or of type 线索核查, is not drawn', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 5, inspectors: 2 });
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕2号', name: '未公布计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: ['A01', 'A99'] }, chen);
    const task = await makeTask(chen, plan.planKey, { assignment: undefined });
    const settings = settingsWith(testClock('2026-07-23T07:38:00Z'), [relay.url]);
    expect(await announceSlot(task, task.schedule!.at!, chen, settings).catch((e: Error) => e.message)).to.contain('not published');
    expect(await makeTask(chen, plan.planKey, { itemCodes: ['A99'] }).catch((e: { fields?: object }) => e.fields)).to.deep.equal({ itemCodes: 'task.item_not_published' });
    await publishPlan(plan.planKey, chen);
    const clue = await makeTask(chen, plan.planKey, { inspectionType: '线索核查', assignment: undefined });
    expect(await announceSlot(clue, clue.schedule!.at!, chen, settings).catch((e: Error) => e.message)).to.contain('not drawn');
    expect(await Announcement.countDocuments()).to.equal(0);
  });

  it('a 专项 task under a 日常 plan is a field error on its type (no necessity note or second approval covers it); under a 专项 plan it is accepted', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 5, inspectors: 2 });
    const daily = await publishedPlanKey(chen);
    expect(await makeTask(chen, daily, { inspectionType: '专项' }).catch((e: { fields?: object }) => e.fields)).to.deep.equal({ inspectionType: 'task.special_needs_special_plan' });
    expect(await Task.countDocuments()).to.equal(0);
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕专2号', name: '专项抽查', leadDepartment: 'HJ-SCJG', inspectionType: '专项', itemCodes: ['A01'], necessityNote: '投诉集中' }, chen);
    await approvePlan(plan.planKey, supervisor('wang'));
    await publishPlan(plan.planKey, chen);
    expect((await makeTask(chen, plan.planKey, { inspectionType: '专项' })).inspectionType).to.equal('专项');
    expect(await Task.countDocuments()).to.equal(1);
  });

  it('a task\'s items are active published items its plan lists; others are a field error', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 5, inspectors: 2 });
    await InspectionItem.create({ code: 'B01', name: '产品质量检查', departmentCode: 'HJ-SCJG', active: true });
    const planKey = await publishedPlanKey(chen); // lists A01 only
    expect(await makeTask(chen, planKey, { itemCodes: ['A01', 'B01'] }).catch((e: { fields?: object }) => e.fields)).to.deep.equal({ itemCodes: 'task.item_not_in_plan' });
    expect(await makeTask(chen, planKey, { itemCodes: ['A99'] }).catch((e: { fields?: object }) => e.fields)).to.deep.equal({ itemCodes: 'task.item_not_published' });
    expect((await makeTask(chen, planKey, { itemCodes: ['A01'] })).itemCodes).to.deep.equal(['A01']);
    expect(await Task.countDocuments()).to.equal(1);
  });

  it('a department sees in its plan list the plans it leads and those it takes part in, not others', async () => {
    const chen = supervisor('chen');
    const li = supervisor('li', 'HJ-WJW');
    const zhao = supervisor('zhao', 'HJ-NYJ');
    await createPlan({ year: 2026, number: '洪市监〔2026〕7号', name: '联合抽查计划', leadDepartment: 'HJ-SCJG', participatingDepartments: ['HJ-WJW'], inspectionType: '日常' }, chen);
    await createPlan({ year: 2026, number: '洪卫〔2026〕1号', name: '卫健抽查计划', leadDepartment: 'HJ-WJW', inspectionType: '日常' }, li);
    expect((await listPlans(li)).map((p) => p.number).sort()).to.deep.equal(['洪卫〔2026〕1号', '洪市监〔2026〕7号'].sort());
    expect((await listPlans(chen)).map((p) => p.number)).to.deep.equal(['洪市监〔2026〕7号']);
    expect(await listPlans(zhao)).to.deep.equal([]);
  });
});
