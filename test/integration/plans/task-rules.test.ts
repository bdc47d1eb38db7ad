// What a task must still satisfy when it is announced, and what its preview must foresee:
// a 专项 task only under a 专项 plan (also after an amendment), only items still active on the
// published list (an item deactivated after the task exists blocks it, named on the task page),
// one annual-cap count for the freeze and the ad-hoc form (ad-hoc inspections included), and
// a preview that checks each stratum's teams with conflicts as the engine does, at the task's
// next slot, writing nothing.
import { expect } from 'chai';
import { Announcement, Inspection, InspectionItem, Inspector, MarketEntity, Task } from '../../../models/index.js';
import type { AnnouncementRecord } from '../../../models/announcement.js';
import { DrawRun } from '../../../models/draw-run.js';
import { announceSlot, DrawBlockedError, publishedAnnouncement } from '../../../server/plans/announce.js';
import { drawAnnouncement } from '../../../server/plans/draws.js';
import { capCounts } from '../../../server/plans/caps.js';
import { amendPlan, approvePlan, createPlan, publishPlan } from '../../../server/plans/plans.js';
import { previewTask } from '../../../server/plans/preview.js';
import { nextTaskSlot } from '../../../server/plans/schedule.js';
import { taskStatus } from '../../../server/plans/status.js';
import { loadTask } from '../../../server/plans/tasks.js';
import { inspectorFields } from '../../helpers/factories.js';
import { location, pagesApp, post, supervisorOf, taskFields } from '../plans-pages/support.js';
import { makeTask, publishedPlanKey, databaseFingerprint, seedWorld, settingsWith, supervisor, testClock } from './support.js';

/** A published 专项 plan listing A01 (necessity note, approved by a second supervisor). */
async function specialPlanKey(chen: ReturnType<typeof supervisor>): Promise<string> {
  const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕专1号', name: '专项抽查计划', leadDepartment: 'HJ-SCJG', inspectionType: '专项', itemCodes: ['A01'], necessityNote: '投诉集中，需专项检查' }, chen);
  await approvePlan(plan.planKey, supervisor('wang'));
  await publishPlan(plan.planKey, chen, new Date('2026-03-01T00:00:00Z'));
  return plan.planKey;
}

describe('task rules at announcement and in the preview', () => {
  it('a 专项 task (and a 日常 one) is accepted under a 专项 plan; once the published plan is amended to 日常, announcing the 专项 task is refused, saying why', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 8, inspectors: 4 });
    const planKey = await specialPlanKey(chen);
    const special = await makeTask(chen, planKey, { inspectionType: '专项', assignment: undefined });
    // Decision: a 日常 task under a 专项 plan is allowed (the stricter plan skips no rule).
    expect((await makeTask(chen, planKey, { assignment: undefined })).inspectionType).to.equal('日常');
    await amendPlan(planKey, { inspectionType: '日常' }, '改为日常计划', chen);
    await publishPlan(planKey, chen, new Date('2026-04-01T00:00:00Z'));
    const settings = settingsWith(testClock('2026-07-23T07:38:00Z'), []);
    const refused = await announceSlot(special, special.schedule!.at!, chen, settings).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(DrawBlockedError);
    expect((refused as Error).message).to.contain('a 专项 task needs a 专项 plan');
    expect(await Announcement.countDocuments()).to.equal(0);
  });

  it('POST /tasks, a 专项 task under a 日常 plan, answers 422 with the field message in zh-CN and en, and stores nothing', async () => {
    const { app } = pagesApp([], '2026-07-23T07:30:00Z');
    await seedWorld({ entities: 4, inspectors: 2 });
    const chen = await supervisorOf(app);
    const planPath = location(await post(chen, '/plans', { year: '2026', number: '洪市监〔2026〕7号', name: '计划', inspectionType: '日常', itemCodes: 'A01' }).expect(303));
    await post(chen, `${planPath}/publish`, {}).expect(303);
    const fields = taskFields(planPath.split('/').pop()!, { inspectionType: '专项' });
    expect((await post(chen, '/tasks', fields).expect(422)).text).to.contain('专项检查任务只能归属于专项抽查计划');
    expect((await post(chen, '/tasks', fields, 'en').expect(422)).text).to.contain('A 专项 task belongs under a 专项 plan');
    expect(await Task.countDocuments()).to.equal(0);
  });

  it('an item deactivated after the task was created blocks its announcement, and the task page names the item in zh-CN and en', async () => {
    const { app } = pagesApp([], '2026-07-23T07:30:00Z');
    await seedWorld({ entities: 8, inspectors: 4 });
    const chen = await supervisorOf(app);
    const planPath = location(await post(chen, '/plans', { year: '2026', number: '洪市监〔2026〕8号', name: '计划', inspectionType: '日常', itemCodes: 'A01' }).expect(303));
    await post(chen, `${planPath}/publish`, {}).expect(303);
    const taskPath = location(await post(chen, '/tasks', taskFields(planPath.split('/').pop()!)).expect(303));
    const task = await loadTask(taskPath.split('/').pop()!);
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { active: false } });

    const acting = supervisor('chen');
    const settings = settingsWith(testClock('2026-07-23T07:30:00Z'), []);
    const refused = await announceSlot(task, task.schedule!.at!, acting, settings).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(DrawBlockedError);
    expect((refused as Error).message).to.contain('A01 登记事项检查');
    expect((await taskStatus(task._id.toString(), acting, settings)).blocker).to.contain('A01 登记事项检查');
    // Over HTTP too: the announce form is refused and nothing is frozen.
    const res = await post(chen, `${taskPath}/announce`, {});
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('A01 登记事项检查');
    expect(await Announcement.countDocuments()).to.equal(0);

    const zh = (await chen.agent.get(`${taskPath}?lang=zh-CN`).expect(200)).text;
    expect(zh).to.contain('以下事项已不在公布的抽查事项清单或计划中：A01 登记事项检查');
    expect(zh, 'no announce button while blocked').to.not.contain('data-action="announce"');
    const en = (await chen.agent.get(`${taskPath}?lang=en`).expect(200)).text;
    expect(en).to.contain('items no longer on the published list or in the plan: A01 登记事项检查');

    // The item back on the list: the same task is announced.
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { active: true } });
    expect((await chen.agent.get(`${taskPath}?lang=zh-CN`).expect(200)).text).to.contain('data-action="announce"');
    await announceSlot(task, task.schedule!.at!, acting, settings);
    expect(await Announcement.countDocuments()).to.equal(1);

    // Taken off the list again after the announcement: the due draw is not made, and says why.
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { active: false } });
    const announcement = (await Announcement.findOne({ taskId: task._id }).lean<AnnouncementRecord>())!;
    const later = settingsWith(testClock(new Date(announcement.drawAt.getTime() + 60_000).toISOString()), []);
    const blocked = await drawAnnouncement(announcement, acting, later, 'schedule');
    expect(blocked.state).to.equal('waiting');
    expect((blocked as { reason: string }).reason).to.contain('A01 登记事项检查');
    expect(await DrawRun.countDocuments()).to.equal(0);
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { active: true } });
    const unblocked = await drawAnnouncement(announcement, acting, later, 'schedule');
    expect(JSON.stringify(unblocked)).to.not.contain('A01 登记事项检查');
  });

  it('with no exempt type, an entity at its cap through ad-hoc inspections is excluded by the freeze, counted once by capCounts for both', async () => {
    const chen = supervisor('chen');
    const { codes } = await seedWorld({ entities: 6, inspectors: 4 });
    const [capped, other] = codes as [string, string];
    const adHoc = (n: number, code: string, inspectionType: string) => ({
      _id: `adhoc|t|${code}|${n}`, creditCode: code, year: 2026, departmentCode: 'HJ-SCJG', inspectionType, adHoc: { reason: '投诉', at: new Date('2026-05-01') }, state: 'assigned',
    });
    // Two 线索核查 inspections of one entity, one 即时 of another (the department cap is 2).
    await Inspection.collection.insertMany([adHoc(1, capped, '线索核查'), adHoc(2, capped, '线索核查'), adHoc(3, other, '即时')] as never[]);
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined });
    const clock = testClock('2026-07-23T07:38:00Z');
    const strict = settingsWith(clock, [], { caps: { perDepartment: 2, overall: 8, exemptTypes: [] } });
    expect((await previewTask(task._id.toString(), chen, strict)).exclusions).to.deep.include({ atCap: 1, atCapByReason: { department: 1, overall: 0 } });
    const a = await announceSlot(task, task.schedule!.at!, chen, strict);
    expect(publishedAnnouncement(a).exclusions.atCap).to.deep.equal([capped]);
    // The ad-hoc form's count is the same function's.
    expect((await capCounts(2026, strict.caps, new Set([capped]))).get(capped)).to.deep.equal({ overall: 2, byDepartment: { 'HJ-SCJG': 2 } });
    // Chongqing's default (线索核查 and 即时 outside the cap): nothing is excluded.
    const lenient = settingsWith(clock, [], { caps: { perDepartment: 2, overall: 8, exemptTypes: ['线索核查', '即时'] } });
    expect((await previewTask(task._id.toString(), chen, lenient)).exclusions.atCap).to.equal(0);
  });

  it('the preview of a task infeasible only through declared conflicts names the stratum and the constraint, and writes nothing', async () => {
    const chen = supervisor('chen');
    const { codes } = await seedWorld({ entities: 12, inspectors: 0, entity: (i) => ({ riskClass: i < 3 ? 'D' : 'A' }) });
    const risky = codes.slice(0, 3);
    // Four valid inspectors: enough for every team, except that three declared a conflict with each D entity.
    await Inspector.insertMany([
      inspectorFields({ inspectorId: 'K1' }),
      ...['K2', 'K3', 'K4'].map((id) => inspectorFields({ inspectorId: id, conflicts: risky.map((creditCode) => ({ kind: 'entity', creditCode })) })),
    ]);
    const strata = [{ id: 'high-risk', where: { riskClass: ['D'] }, quota: { count: 1 } }, { id: 'rest', quota: { count: 2 } }];
    const task = await makeTask(chen, await publishedPlanKey(chen), { strata });
    const settings = settingsWith(testClock('2026-07-23T07:38:00Z'), []);
    const before = await databaseFingerprint();
    const preview = await previewTask(task._id.toString(), chen, settings);
    expect(await databaseFingerprint()).to.deep.equal(before);
    expect(preview.inspectors).to.include({ eligible: 4, capacity: 20, needed: 6 }); // the global estimate passes
    expect(preview.feasible).to.equal(false);
    expect(preview.infeasibility).to.include({ code: 'TEAM_INFEASIBLE', constraint: 'conflict', stratum: 'high-risk', blocked: 3, drawable: 3, selected: 1 });
    expect(preview.infeasibility!.message).to.contain('stratum "high-risk"');
    expect(preview.strata.map((s) => [s.id, s.teamBlocked])).to.deep.equal([['high-risk', 3], ['rest', 0]]);
    // One conflict withdrawn: two inspectors are free for each D entity, and the preview says so.
    await Inspector.updateMany({ inspectorId: 'K2' }, { $set: { conflicts: [] } });
    const relieved = await previewTask(task._id.toString(), chen, settings);
    expect(relieved.feasible).to.equal(true);
    expect(relieved.strata[0]!.teamBlocked).to.equal(0);
    expect(await MarketEntity.countDocuments()).to.equal(12);
  });

  it('the preview shows a stratum where some entities cannot get a team as a risk, and the page names it', async () => {
    const { app } = pagesApp([], '2026-07-23T07:30:00Z');
    const { codes } = await seedWorld({ entities: 10, inspectors: 0 });
    await Inspector.insertMany([
      inspectorFields({ inspectorId: 'K1' }),
      ...['K2', 'K3'].map((id) => inspectorFields({ inspectorId: id, conflicts: [{ kind: 'former_employer', creditCode: codes[0]! }] })),
    ]);
    const chen = await supervisorOf(app);
    const planPath = location(await post(chen, '/plans', { year: '2026', number: '洪市监〔2026〕6号', name: '计划', inspectionType: '日常', itemCodes: 'A01' }).expect(303));
    await post(chen, `${planPath}/publish`, {}).expect(303);
    const taskPath = location(await post(chen, '/tasks', taskFields(planPath.split('/').pop()!, { lotteryGame: '', s0Count: '3' })).expect(303));
    const page = (await chen.agent.get(`${taskPath}/preview?lang=en`).expect(200)).text;
    expect(page).to.contain('data-feasible');
    expect(page).to.contain('data-risk-stratum="all"');
    expect(page).to.contain('Stratum all: 1 of its 10 drawable entities cannot get a full team');
    expect(page).to.contain('data-team-blocked="1"');
    expect(await Announcement.countDocuments()).to.equal(0);
  });

  it('a cron task is previewed at its next slot: the inspection date is that slot\'s day, and a certificate expiring before it counts', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 10, inspectors: 0 });
    // Two certificates end on 31 July: valid "now" (23 July), not on the 1 August slot.
    await Inspector.insertMany([
      inspectorFields({ inspectorId: 'M1' }), inspectorFields({ inspectorId: 'M2' }),
      ...['M3', 'M4'].map((id) => inspectorFields({ inspectorId: id, certificates: [{ number: `C-${id}`, issuer: '湖南省人民政府', validFrom: new Date('2024-01-01'), validUntil: new Date('2026-07-31T00:00:00+08:00') }] })),
    ]);
    const cron = '0 0 9 1 * *'; // 09:00 on the first of each month (TIME_ZONE)
    const task = await makeTask(chen, await publishedPlanKey(chen), { schedule: { cron }, strata: [{ id: 'all', quota: { count: 3 } }], assignment: { teamSize: 2, maxAssignmentsPerInspector: 2 } });
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, []);
    const preview = await previewTask(task._id.toString(), chen, settings);
    expect(preview.slot.toISOString()).to.equal(nextTaskSlot({ cron }, clock.now(), settings.timeZone)!.toISOString());
    expect(preview.slot.toISOString()).to.equal('2026-08-01T01:00:00.000Z');
    expect(preview.inspectionDate).to.equal('2026-08-01');
    expect(preview.inspectors).to.include({ eligible: 2, capacity: 4, needed: 6 });
    expect(preview.inspectors!.ineligible.noValidCertificate).to.equal(2);
    expect(preview.infeasibility).to.include({ code: 'CAPACITY_INSUFFICIENT', constraint: 'noValidCertificate' });
    expect(await Task.countDocuments()).to.equal(1);
  });
});
