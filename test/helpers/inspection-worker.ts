// A child process for test/integration/inspections/crash.test.ts, run as
// `node --import tsx test/helpers/inspection-worker.ts` with MONGODB_URI of the test database:
// it submits the confirmed findings of every inspection waiting in findings_entered and
// approves every submitted one with publication at once (two transitions: approval for
// publication, then publication), three inspections at a time, through the real use cases,
// until none is left. It prints "ready" once connected, "step <n>" after each use case and
// "done" at the end, so the test can SIGKILL it in the middle of the work.
import mongoose, { Types } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../server/db/connect.js';
import '../../models/index.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { workingCalendar } from '../../server/calendar/calendar-store.js';
import { submitFindings } from '../../server/inspections/findings.js';
import { reviewInspection } from '../../server/inspections/review.js';
import type { InspectionSettings } from '../../server/inspections/settings.js';
import type { Acting } from '../../server/plans/acting.js';

const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('MONGODB_URI is required');
// The inspections' own time (the draw is of July 2026), running at the wall clock's pace.
const startedAt = Date.now();
const clockBase = Date.parse(process.env.INSPECTION_WORKER_CLOCK ?? '2026-07-27T02:00:00Z');
const settings: InspectionSettings = {
  timeZone: 'Asia/Shanghai', now: () => new Date(clockBase + (Date.now() - startedAt)), calendar: workingCalendar,
  lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5,
};
const reviewer: Acting = { actor: { kind: 'user', userId: new Types.ObjectId(), label: 'crash-reviewer' }, role: 'supervisor', departmentCode: 'HJ-SCJG' };
const member = (inspection: InspectionRecord): Acting => ({
  actor: { kind: 'user', userId: new Types.ObjectId(), label: `user-${inspection.team[0]}` }, role: 'inspector', departmentCode: 'HJ-SCJG', inspectorId: inspection.team[0],
});

let steps = 0;
const step = () => process.stdout.write(`step ${(steps += 1)}\n`);

async function finish(inspection: InspectionRecord): Promise<void> {
  if (inspection.state === 'findings_entered') {
    await submitFindings(inspection._id, member(inspection), settings);
    step();
  }
  await reviewInspection(inspection._id, { decision: 'approve', comment: '同意公示' }, reviewer, settings);
  step();
}

await connectDatabase(uri);
process.stdout.write('ready\n');
const waiting = await Inspection.find({ state: mongoose.trusted({ $in: ['findings_entered', 'submitted'] }) }).sort({ _id: 1 }).lean<InspectionRecord[]>();
for (let i = 0; i < waiting.length; i += 3) await Promise.all(waiting.slice(i, i + 3).map(finish));
process.stdout.write('done\n');
await disconnectDatabase();
