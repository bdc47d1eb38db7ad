// The rules around a draw: it cannot start before its sources exist, a bad drand signature or
// disagreeing lottery entries block it with a clear reason, a redo needs a reason and a second
// supervisor and leaves both draws visible, a preview writes nothing, and an entity at its
// annual cap is excluded, counted and listed in the announcement.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { DrawRun, DrawnEntity, InspectionItem, Inspector, LotteryEntry, MarketEntity, Task } from '../../../models/index.js';
import { publicTaskDraws } from '../../../server/plans/drawn-list.js';
import { announceSlot, publishedAnnouncement } from '../../../server/plans/announce.js';
import { drawAnnouncement, requestDraw, runRandomness } from '../../../server/plans/draws.js';
import { previewTask } from '../../../server/plans/preview.js';
import { approveRedo, requestRedo } from '../../../server/plans/redo.js';
import { enterLotteryResult, LOTTERY_PUBLICATION_TIME, lotteryAvailableAt, withdrawLotteryEntry } from '../../../server/plans/sources.js';
import { taskDraws } from '../../../server/plans/tasks.js';
import { taskStatus } from '../../../server/plans/status.js';
import { fakeRelay, makeTask, publishedPlanKey, databaseFingerprint, seedWorld, settingsWith, supervisor, testClock } from './support.js';

describe('draw rules', () => {
  it('a drand round with a bad signature blocks the draw with a clear reason; nothing is claimed', async () => {
    const liar = await fakeRelay({ tamper: true });
    try {
      const chen = supervisor('chen');
      await seedWorld({ entities: 10, inspectors: 4 });
      const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined });
      const clock = testClock('2026-07-23T07:38:00Z');
      const settings = settingsWith(clock, [liar.url]);
      const a = await announceSlot(task, task.schedule!.at!, chen, settings);
      clock.set('2026-07-23T07:39:10Z');
      const refused = await requestDraw(a._id.toString(), chen, settings).catch((e: Error) => e);
      expect((refused as Error).name).to.equal('DrawBlockedError');
      expect((refused as Error).message).to.match(/drand quicknet round 30662992 \(2026-07-23T07:39:00Z\): no relay served a valid round 30662992: http:\/\/127\.0\.0\.1:\d+: the signature is not/);
      expect(await DrawRun.countDocuments()).to.equal(0);
    } finally {
      await liar.close();
    }
  });

  it('lottery entries: one user is not enough, two disagreeing users block the draw until an entry is withdrawn on the record', async () => {
    const chen = supervisor('chen');
    const wang = supervisor('wang');
    await seedWorld({ entities: 10, inspectors: 4 });
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined, sources: { drand: false, lotteryGame: 'fc3d' } });
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, []);
    const a = await announceSlot(task, task.schedule!.at!, chen, settings);
    expect(publishedAnnouncement(a).randomness.entities).to.deep.equal([{ type: 'lottery', game: 'fc3d', date: '2026-07-24' }]);
    clock.set('2026-07-24T13:30:00Z');
    expect((await enterLotteryResult(a._id.toString(), 0, '0 7 3', chen, settings)).state).to.equal('waiting');
    expect(await enterLotteryResult(a._id.toString(), 0, '073', chen, settings).catch((e: Error) => e.name)).to.equal('ConflictError');
    expect((await drawAnnouncement(a, chen, settings, 'request')).state).to.equal('waiting');
    expect((await enterLotteryResult(a._id.toString(), 0, '074', wang, settings)).state).to.equal('mismatch');
    const blocked = await requestDraw(a._id.toString(), chen, settings).catch((e: Error) => e.message);
    expect(blocked).to.contain('the entries disagree: 073 (');
    const status = await taskStatus(task._id.toString(), wang, settings);
    expect(status.waitingFor).to.have.length(1);
    expect(status.waitingFor[0]).to.match(/^福彩3D 2026-07-24: the entries disagree: 073 \(.+\) vs 074 \(.+\)$/);
    expect(await DrawRun.countDocuments()).to.equal(0);
    await withdrawLotteryEntry(a._id.toString(), 0, '看错了一位', wang, settings);
    await enterLotteryResult(a._id.toString(), 0, '０７３', wang, settings); // full-width digits read after NFKC
    const outcome = await requestDraw(a._id.toString(), chen, settings);
    expect(outcome.state).to.equal('complete');
    if (outcome.state === 'complete') expect(runRandomness(outcome.run)).to.deep.equal({ entities: [{ type: 'lottery', result: [[0, 7, 3]] }], inspectors: null, reveal: null });
  });

  it('a lottery result is neither entered nor drawn before the lottery is published (its date at its publication time, Beijing); the task says from when entries are accepted', async () => {
    const chen = supervisor('chen');
    const wang = supervisor('wang');
    await seedWorld({ entities: 10, inspectors: 4 });
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined, sources: { drand: false, lotteryGame: 'fc3d' } });
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, []);
    const a = await announceSlot(task, task.schedule!.at!, chen, settings);
    expect(LOTTERY_PUBLICATION_TIME.fc3d).to.equal('21:30');
    expect(lotteryAvailableAt({ game: 'fc3d', date: '2026-07-24' }).toISOString()).to.equal('2026-07-24T13:30:00.000Z');
    // The draw time has passed (23 July, 15:39 Beijing), but the 24 July 福彩3D does not exist yet.
    for (const at of ['2026-07-23T07:40:00Z', '2026-07-24T13:29:59Z']) {
      clock.set(at);
      const refused = await enterLotteryResult(a._id.toString(), 0, '073', chen, settings).catch((e: { name: string; fields?: object; message: string }) => e);
      expect(refused).to.include({ name: 'ValidationError' });
      expect((refused as { fields?: object }).fields).to.deep.equal({ text: 'lottery.not_published' });
      expect((refused as Error).message).to.contain('entries are accepted from 2026-07-24 21:30 Beijing time');
    }
    expect(await LotteryEntry.countDocuments()).to.equal(0);
    // Even agreeing entries made before the publication (e.g. written before this rule) are not used.
    await LotteryEntry.insertMany([chen, wang].map((u) => ({ announcementId: a._id, phase: 'entities', index: 0, userId: (u.actor as { userId: mongoose.Types.ObjectId }).userId, label: u.actor.label, text: '073', at: clock.now() })));
    expect(await requestDraw(a._id.toString(), chen, settings).catch((e: Error) => e.message)).to.contain('福彩3D 2026-07-24: the result is not published yet: entries are accepted from 2026-07-24 21:30 Beijing time');
    expect((await drawAnnouncement(a, chen, settings, 'schedule')).state).to.equal('waiting'); // the job's draw
    const status = await taskStatus(task._id.toString(), chen, settings);
    expect(status.waitingFor).to.deep.equal(['福彩3D 2026-07-24: the result is not published yet: entries are accepted from 2026-07-24 21:30 Beijing time (2026-07-24T13:30:00.000Z)']);
    expect(await DrawRun.countDocuments()).to.equal(0);
    await LotteryEntry.deleteMany({});
    clock.set('2026-07-24T13:30:00Z');
    await enterLotteryResult(a._id.toString(), 0, '073', chen, settings);
    expect((await enterLotteryResult(a._id.toString(), 0, '073', wang, settings)).state).to.equal('ready');
    expect((await requestDraw(a._id.toString(), chen, settings)).state).to.equal('complete');
  });

  it('a redo is refused without a reason or by the requester; approved by a second supervisor it is a new announced draw, and both draws stay visible', async () => {
    const relay = await fakeRelay();
    try {
      const chen = supervisor('chen');
      const wang = supervisor('wang');
      await seedWorld({ entities: 20, inspectors: 4 });
      const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined, schedule: { at: new Date('2026-07-23T07:38:30Z') }, sources: { drand: true, commitReveal: true } });
      const clock = testClock('2026-07-23T07:38:00Z');
      const settings = settingsWith(clock, [relay.url], { redoDelaySeconds: 29 });
      const first = await announceSlot(task, task.schedule!.at!, chen, settings);
      expect(publishedAnnouncement(first).randomness.commitment).to.match(/^[0-9a-f]{64}$/);
      clock.set('2026-07-23T07:38:31Z');
      const drawn = await requestDraw(first._id.toString(), chen, settings);
      expect(drawn.state).to.equal('complete');
      if (drawn.state === 'complete') expect(runRandomness(drawn.run).reveal).to.match(/^[0-9a-f]{64}$/);
      expect(await requestRedo(first.key, '  ', chen, settings).catch((e: Error) => e.name)).to.equal('ValidationError');
      const request = await requestRedo(first.key, '名录库导入有误，抽取池不完整', chen, settings);
      expect(await approveRedo(request.key, chen, settings).catch((e: Error) => e.name)).to.equal('ForbiddenError');
      expect(await requestRedo(first.key, '再来一次', chen, settings).catch((e: Error) => e.name)).to.equal('ConflictError');
      const second = await approveRedo(request.key, wang, settings);
      expect(second.attempt).to.equal(2);
      expect(second.drawAt.toISOString()).to.equal('2026-07-23T07:39:00.000Z');
      clock.set('2026-07-23T07:39:02Z');
      expect((await requestDraw(second._id.toString(), wang, settings)).state).to.equal('complete');
      const { runs, announcements } = await taskDraws(task._id.toString(), chen);
      expect(announcements.map((x) => x.attempt)).to.deep.equal([1, 2]);
      expect(runs.map((r) => [r.attempt, r.state, r.supersededBy ?? null])).to.deep.equal([[1, 'complete', second.key], [2, 'complete', null]]);
      expect(await DrawnEntity.countDocuments({ runKey: first.key, superseded: true })).to.equal(5 + 2);
      expect(await DrawnEntity.countDocuments({ runKey: second.key, superseded: false })).to.equal(5 + 2);
      expect(await publicTaskDraws(task._id.toString())).to.equal(null);
      await Task.updateOne({ _id: task._id }, { $set: { publishList: true } });
      const published = await publicTaskDraws(task._id.toString());
      expect(published?.runs.map((r) => [r.attempt, r.supersededBy ?? null])).to.deep.equal([[1, second.key], [2, null]]);
      expect(published?.announcements.map((x) => x.digest)).to.deep.equal([first.digest, second.digest]);
    } finally {
      await relay.close();
    }
  });

  it('the preview of an infeasible task names the binding constraint and writes nothing to any collection', async () => {
    const chen = supervisor('chen');
    await seedWorld({ entities: 40, inspectors: 0 });
    await Inspector.insertMany([
      { inspectorId: 'P1', name: '甲', departmentCode: 'HJ-SCJG', status: '有效', certificates: [{ number: 'C1', validFrom: new Date('2024-01-01'), validUntil: new Date('2029-01-01') }] },
      ...['P2', 'P3', 'P4'].map((id) => ({ inspectorId: id, name: id, departmentCode: 'HJ-SCJG', status: '失效', certificates: [{ number: `C${id}`, validFrom: new Date('2024-01-01'), validUntil: new Date('2029-01-01') }] })),
    ]);
    const task = await makeTask(chen, await publishedPlanKey(chen), { strata: [{ id: 'all', quota: { ratioPpm: 125_000 } }] });
    const before = await databaseFingerprint();
    const preview = await previewTask(task._id.toString(), chen, settingsWith(testClock('2026-07-23T07:38:00Z'), []));
    expect(await databaseFingerprint()).to.deep.equal(before);
    expect(preview.strata[0]).to.include({ drawable: 40, quota: 5, selected: 5, exact: '0.125 × 40 = 5' });
    expect(preview.feasible).to.equal(false);
    expect(preview.infeasibility).to.include({ code: 'TEAM_INFEASIBLE', constraint: 'inactiveStatus' });
    expect(preview.inspectors).to.include({ roster: 4, eligible: 1, capacity: 5, needed: 10 });
  });

  it('an entity at its annual cap is excluded, counted in the preview and the announcement, and listed there; an exempt inspection does not count', async () => {
    const chen = supervisor('chen');
    const { codes } = await seedWorld({ entities: 10, inspectors: 4 });
    const [capped, exempt] = codes as [string, string];
    const prior = { taskId: new mongoose.Types.ObjectId(), departmentCode: 'HJ-SCJG', year: 2026, drawnOn: '2026-05-01', stratumId: 'all', role: 'selected', order: 0 };
    await DrawnEntity.insertMany([
      { ...prior, _id: `old|1|${capped}`, runKey: 'old|1', creditCode: capped, inspectionType: '日常' },
      { ...prior, _id: `old|2|${capped}`, runKey: 'old|2', creditCode: capped, inspectionType: '专项' },
      { ...prior, _id: `old|1|${exempt}`, runKey: 'old|1', creditCode: exempt, inspectionType: '线索核查' },
      { ...prior, _id: `old|2|${exempt}`, runKey: 'old|2', creditCode: exempt, inspectionType: '即时' },
    ]);
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined });
    const settings = settingsWith(testClock('2026-07-23T07:38:00Z'), [], { caps: { perDepartment: 2, overall: 8, exemptTypes: ['线索核查', '即时'] } });
    const preview = await previewTask(task._id.toString(), chen, settings);
    expect(preview.exclusions).to.deep.include({ atCap: 1, atCapByReason: { department: 1, overall: 0 } });
    const a = await announceSlot(task, task.schedule!.at!, chen, settings);
    const announced = publishedAnnouncement(a);
    expect(announced.exclusions.atCap).to.deep.equal([capped]);
    expect(announced.figures.excludedAtCap).to.equal(1);
    expect(announced.figures.drawable).to.equal(9);
    expect(a.exclusions).to.deep.include({ atCap: 1 });
    expect(await MarketEntity.countDocuments()).to.equal(10);
    expect(await InspectionItem.countDocuments()).to.equal(2);
  });
});
