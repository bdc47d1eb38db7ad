// 综合查一次: overlapping draws of several departments in the quarter's window are proposed as
// one joint visit, which then counts once toward the overall cap.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DrawnEntity } from '../../../models/index.js';
import { drawCounts } from '../../../server/plans/caps.js';
import { acceptJointVisit, jointVisitProposals, quarterWindow } from '../../../server/plans/joint.js';
import { settingsWith, supervisor, testClock } from './support.js';

describe('joint visits', () => {
  it('an entity drawn by two departments in the first days of the quarter is proposed, merged by a supervisor of one of them, and counted once overall', async () => {
    const row = (id: string, code: string, dept: string, drawnOn: string) => ({ _id: id, runKey: `run-${id}`, taskId: new Types.ObjectId(), departmentCode: dept, inspectionType: '日常', year: 2026, drawnOn, creditCode: code, stratumId: 'all', role: 'selected', order: 0 });
    await DrawnEntity.insertMany([
      row('a', '91430102MA4L000001', 'HJ-SCJG', '2026-07-02'), row('b', '91430102MA4L000001', 'HJ-WJW', '2026-07-03'),
      row('c', '91430102MA4L000002', 'HJ-SCJG', '2026-07-02'), row('d', '91430102MA4L000002', 'HJ-SCJG', '2026-07-04'),
      row('e', '91430102MA4L000003', 'HJ-SCJG', '2026-07-02'), row('f', '91430102MA4L000003', 'HJ-WJW', '2026-07-20'),
    ]);
    const settings = settingsWith(testClock('2026-07-04T02:00:00Z'), []);
    expect(quarterWindow(settings.now(), 'Asia/Shanghai', 5)).to.deep.equal({ from: '2026-07-01', to: '2026-07-05' });
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
