// Moves an inspection of a locked draw (support.ts lockedDraw) along its lifecycle through the
// real use cases, for tests that need one in a given state: approved with its code, checked in,
// findings entered and confirmed by both members (ready to submit), submitted, published.
import type { InspectionRecord } from '../../../models/inspection.js';
import { approveInspection } from '../../../server/inspections/approval.js';
import { checkInWithCode } from '../../../server/inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings, type FindingInput } from '../../../server/inspections/findings.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { inspectorActing, type LockedDraw } from './support.js';

export const FINDING: FindingInput = { itemCode: 'A01', methods: ['现场检查'], resultCategory: 'R02', problems: '未按期公示年报', handling: '责令改正', followUp: 'F02' };

export async function approved(world: LockedDraw, inspection: InspectionRecord): Promise<InspectionRecord> {
  return approveInspection(inspection._id, { mode: 'onsite' }, world.chen, world.settings);
}

/** Approved, checked in by code with both members, findings saved and confirmed by both. */
export async function readyToSubmit(world: LockedDraw, inspection: InspectionRecord, finding: FindingInput = FINDING): Promise<InspectionRecord> {
  const approval = await approved(world, inspection);
  const [a, b] = inspection.team as [string, string];
  await checkInWithCode(inspection._id, approval.checkCode!, [a, b], inspectorActing(a), world.settings);
  const entered = await saveFindings(inspection._id, [finding], finding.resultCategory, inspectorActing(a), world.settings);
  await confirmFindings(inspection._id, entered.revision, inspectorActing(a), world.settings);
  return confirmFindings(inspection._id, entered.revision, inspectorActing(b), world.settings);
}

export async function submitted(world: LockedDraw, inspection: InspectionRecord, finding: FindingInput = FINDING): Promise<InspectionRecord> {
  await readyToSubmit(world, inspection, finding);
  return submitFindings(inspection._id, inspectorActing(inspection.team[0]!), world.settings);
}

/** Submitted, then approved by the supervisor with publication at once. */
export async function published(world: LockedDraw, inspection: InspectionRecord): Promise<InspectionRecord> {
  await submitted(world, inspection);
  return reviewInspection(inspection._id, { decision: 'approve', comment: '同意公示' }, world.chen, world.settings);
}
