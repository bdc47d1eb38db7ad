// When a plan is due for publication (DOMAIN: annual plans by 31 March, 专项 plans within a
// month), in the office's time zone, and whether its publication is recorded as late.
import { expect } from 'chai';
import { AuditEvent } from '../../../models/index.js';
import { approvePlan, createPlan, publishPlan, specialPlanDeadline } from '../../../server/plans/plans.js';
import { supervisor } from './support.js';

const special = (number: string) => ({
  year: 2026, number, name: '专项整治', leadDepartment: 'HJ-SCJG', inspectionType: '专项' as const, necessityNote: '投诉集中',
});

async function lateFlagOf(planKey: string): Promise<unknown> {
  const published = await AuditEvent.findOne({ action: 'plan.publish', 'target.id': `${planKey}@1` }).lean();
  return (published?.after as { late?: boolean } | undefined)?.late;
}

describe('plan publication deadlines', () => {
  it('an annual plan is due at the end of 31 March in the office\'s time zone', async () => {
    const chen = supervisor('chen');
    const beijing = await createPlan({ year: 2026, number: '洪市监〔2026〕11号', name: '年度计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常' }, chen);
    expect(beijing.publicationDeadline.toISOString()).to.equal('2026-03-31T15:59:59.000Z');
    const urumqi = await createPlan({ year: 2026, number: '洪市监〔2026〕12号', name: '年度计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常' }, chen, { timeZone: 'Asia/Urumqi' });
    expect(urumqi.publicationDeadline.toISOString()).to.equal('2026-03-31T17:59:59.000Z');
  });

  it('a 专项 plan is due a month after its approval: on time within it, late after it', async () => {
    expect(specialPlanDeadline(new Date('2026-01-31T10:00:00Z'), 'Asia/Shanghai').toISOString()).to.equal('2026-02-28T15:59:59.000Z');
    // 23:30 on 14 May in Beijing is still the 14th there: due at the end of 14 June.
    expect(specialPlanDeadline(new Date('2026-05-14T15:30:00Z'), 'Asia/Shanghai').toISOString()).to.equal('2026-06-14T15:59:59.000Z');
    expect(specialPlanDeadline(new Date('2026-12-20T02:00:00Z'), 'Asia/Shanghai').toISOString()).to.equal('2027-01-20T15:59:59.000Z');

    const chen = supervisor('chen');
    const wang = supervisor('wang');
    const onTime = await createPlan(special('洪市监〔2026〕专11号'), chen);
    const approved = await approvePlan(onTime.planKey, wang, new Date('2026-06-01T02:00:00Z'));
    expect(approved.publicationDeadline.toISOString()).to.equal('2026-07-01T15:59:59.000Z');
    await publishPlan(onTime.planKey, chen, new Date('2026-06-30T02:00:00Z')); // after 31 March, within the month
    expect(await lateFlagOf(onTime.planKey)).to.equal(false);

    const late = await createPlan(special('洪市监〔2026〕专12号'), chen);
    await approvePlan(late.planKey, wang, new Date('2026-06-01T02:00:00Z'));
    await publishPlan(late.planKey, chen, new Date('2026-07-02T02:00:00Z'));
    expect(await lateFlagOf(late.planKey)).to.equal(true);
  });
});
