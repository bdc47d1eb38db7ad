// 综合查一次: overlapping draws of several departments in the quarter's window are proposed as
// one joint visit, which then counts once toward the overall cap; in a joint task each
// participating department draws its own teams for the entities the initiator drew.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DrawnEntity, Inspector } from '../../../models/index.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { drawAnnouncement } from '../../../server/plans/draws.js';
import { announceDepartmentTeams } from '../../../server/plans/teams.js';
import { inspectorFields } from '../../helpers/factories.js';
import { drawCounts } from '../../../server/plans/caps.js';
import { acceptJointVisit, jointVisitProposals, quarterWindow } from '../../../server/plans/joint.js';
import { WorkingCalendar } from '../../../server/calendar/working-days.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock } from './support.js';

describe('joint visits', () => {
  it('an entity drawn by two departments in the first days of the quarter is proposed, merged by a supervisor of one of them, and counted once overall', async () => {
    const row = (id: string, code: string, dept: string, drawnOn: string) => ({ _id: id, runKey: `run-${id}`, taskId: new Types.ObjectId(), departmentCode: dept, inspectionType: '日常', year: 2026, drawnOn, creditCode: code, stratumId: 'all', role: 'selected', order: 0 });
    await DrawnEntity.insertMany([
      row('a', '91430102MA4L000001', 'HJ-SCJG', '2026-07-02'), row('b', '91430102MA4L000001', 'HJ-WJW', '2026-07-03'),
      row('c', '91430102MA4L000002', 'HJ-SCJG', '2026-07-02'), row('d', '91430102MA4L000002', 'HJ-SCJG', '2026-07-04'),
      row('e', '91430102MA4L000003', 'HJ-SCJG', '2026-07-02'), row('f', '91430102MA4L000003', 'HJ-WJW', '2026-07-20'),
    ]);
    const settings = settingsWith(testClock('2026-07-04T02:00:00Z'), []);
    // The first 5 working days of the quarter (Wed 1 July to Tue 7 July: the weekend does not count).
    expect(quarterWindow(settings.now(), 'Asia/Shanghai', 5, new WorkingCalendar())).to.deep.equal({ from: '2026-07-01', to: '2026-07-07' });
    const proposals = await jointVisitProposals(settings);
    expect(proposals.map((p) => [p.creditCode, p.departments])).to.deep.equal([['91430102MA4L000001', ['HJ-SCJG', 'HJ-WJW']]]);
    const caps = { perDepartment: 0, overall: 8, exemptTypes: [] };
    expect((await drawCounts(2026, caps)).get('91430102MA4L000001')?.overall).to.equal(2);
    expect(await acceptJointVisit(proposals[0]!, supervisor('zhao', 'HJ-JTJ')).catch((e: Error) => e.name)).to.equal('ForbiddenError');
    await acceptJointVisit(proposals[0]!, supervisor('li', 'HJ-WJW'));
    expect((await drawCounts(2026, caps)).get('91430102MA4L000001')).to.deep.equal({ overall: 1, byDepartment: { 'HJ-SCJG': 1, 'HJ-WJW': 1 } });
    expect(await jointVisitProposals(settings)).to.deep.equal([]);
  });
});

describe('joint tasks', () => {
  it('the initiating department draws the entities; each participating department then announces and draws its own teams from its own roster, which do not count as draws', async () => {
    const relay = await fakeRelay();
    try {
      const chen = supervisor('chen');
      const li = supervisor('li', 'HJ-WJW');
      await seedWorld({ entities: 20, inspectors: 4 });
      await Inspector.insertMany(Array.from({ length: 4 }, () => inspectorFields({ departmentCode: 'HJ-WJW' })));
      const task = await makeTask(chen, await publishedPlanKey(chen), { joint: true, participatingDepartments: ['HJ-WJW'], schedule: { at: new Date('2026-07-23T07:38:30Z') } });
      const clock = testClock('2026-07-23T07:38:00Z');
      const settings = settingsWith(clock, [relay.url]);
      const entities = await announceSlot(task, task.schedule!.at!, chen, settings);
      clock.set('2026-07-23T07:38:31Z');
      expect((await drawAnnouncement(entities, chen, settings, 'request')).state).to.equal('complete');
      expect((await DrawnEntity.find({ runKey: entities.key, role: 'selected' }).lean()).map((r) => r.team.length)).to.deep.equal([0, 0, 0, 0, 0]);
      expect(await announceDepartmentTeams(entities.key, 'HJ-WJW', chen, settings).catch((e: Error) => e.name)).to.equal('ForbiddenError');
      const theirs = await announceDepartmentTeams(entities.key, 'HJ-WJW', li, settings, new Date('2026-07-23T07:39:00Z'));
      const ours = await announceDepartmentTeams(entities.key, 'HJ-SCJG', chen, settings, new Date('2026-07-23T07:39:30Z'));
      clock.set('2026-07-23T07:39:31Z');
      for (const a of [theirs, ours]) expect((await drawAnnouncement(a, chen, settings, 'request')).state).to.equal('complete');
      const wjw = new Set((await Inspector.find({ departmentCode: 'HJ-WJW' }).lean()).map((i) => i.inspectorId));
      const theirTeams = await DrawnEntity.find({ runKey: theirs.key }).lean();
      expect(theirTeams.map((r) => r.role)).to.deep.equal(Array(5).fill('team'));
      expect(theirTeams.every((r) => r.team.length === 2 && r.team.every((id) => wjw.has(id)))).to.equal(true);
      expect((await DrawnEntity.find({ runKey: ours.key }).lean()).every((r) => r.team.every((id) => !wjw.has(id)))).to.equal(true);
      const counts = await drawCounts(2026, { perDepartment: 0, overall: 8, exemptTypes: [] });
      expect([...counts.values()].every((c) => c.overall === 1)).to.equal(true);
      expect(counts.size).to.equal(5);
    } finally {
      await relay.close();
    }
  });
});
