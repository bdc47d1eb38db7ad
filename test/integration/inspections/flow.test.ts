// From a locked draw to a published result through every state, against the real database:
// approval before entry, check-in by code, findings with both members' confirmations, a return
// and resubmission, a recusal with its reproducible replacement, review by someone who took no
// part, publication that is never edited (a correction is a new entry), and the audit trail.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { AuditEvent, Inspector } from '../../../models/index.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { verify } from '../../../server/draw/index.js';
import { drawRecord } from '../../../server/plans/drawn-list.js';
import { approveInspection } from '../../../server/inspections/approval.js';
import { checkInWithCode, fileLateCheckIn, inspectionByCode } from '../../../server/inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings, type FindingInput } from '../../../server/inspections/findings.js';
import { createInspectionsForRun } from '../../../server/inspections/create.js';
import { loadInspection } from '../../../server/inspections/lifecycle.js';
import { declareRecusal, recordWithRecusals } from '../../../server/inspections/recusal.js';
import { correctPublished, publishDue, recordFollowUp, reviewInspection } from '../../../server/inspections/review.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import { inspectorActing, lockedDraw, type LockedDraw } from './support.js';

const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: Error & { code?: string; fields?: Record<string, string>; problem?: string }) => error);

describe('inspections: from the locked draw to the published result', () => {
  let world: LockedDraw;
  beforeEach(async () => { world = await lockedDraw(); });
  afterEach(async () => { await world.relay.close(); });

  it('creates one pending inspection per drawn entity with its team, once, however often it runs', async () => {
    expect(world.inspections).to.have.length(5);
    for (const inspection of world.inspections) {
      expect(inspection.state).to.equal('assigned');
      expect(inspection.team).to.have.length(2);
      expect(inspection.resultCategory ?? null).to.equal(null); // never "normal" by default
      expect(inspection.itemCodes).to.deep.equal(['A01']);
    }
    expect(await createInspectionsForRun(world.runKey)).to.equal(0);
    expect(await Inspection.countDocuments()).to.equal(5);
  });

  it('runs every state: recusal, approval, check-in by code, findings, return, resubmission, review, publication, correction, follow-up', async () => {
    const { chen, settings } = world;
    const first = world.inspections[0] as InspectionRecord;
    const [a, b] = first.team as [string, string];

    // 回避 before approval: the replacement is the one the engine's rule gives, and the record replays it.
    const recused = await declareRecusal(first._id, { inspectorId: b, reason: '曾在该企业任职', requestedBy: 'inspector' }, inspectorActing(b), settings);
    const replacement = recused.team[1] as string;
    expect(replacement).to.not.equal(b);
    expect(recused.team[0]).to.equal(a);
    const { record } = await recordWithRecusals(world.runKey);
    expect(record.recusals).to.have.length(1);
    expect(record.recusals[0]).to.include({ creditCode: first.creditCode, inspectorId: b, replacement });
    expect(verify(record).ok, 'the record with its recusal verifies').to.equal(true);
    const forVerification = await drawRecord(world.runKey, chen); // what the draw's verification page and the CLI get
    expect(forVerification.record.recusals).to.deep.equal(record.recusals);
    expect((await failure(saveFindings(first._id, [], 'R01', inspectorActing(b), settings)))?.name, 'the recused inspector is off the team').to.equal('ForbiddenError');

    // Approval: not by a team member, even a supervisor; then by chen, with a code.
    expect((await failure(approveInspection(first._id, { mode: 'onsite' }, inspectorActing(a, 'supervisor'), settings)))?.name).to.equal('ForbiddenError');
    const approved = await approveInspection(first._id, { mode: 'onsite' }, chen, settings);
    expect(approved.state).to.equal('approved');
    expect(approved.checkCode).to.match(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect((await inspectionByCode(approved.checkCode!.toLowerCase()))._id).to.equal(first._id);

    // Check-in: a single inspector, a wrong code, an expired certificate are refused.
    const teamA = inspectorActing(a);
    const teamR = inspectorActing(replacement);
    expect((await failure(checkInWithCode(first._id, approved.checkCode!, [a], teamA, settings)))?.fields).to.deep.equal({ inspectors: 'two_inspectors_required' });
    expect((await failure(checkInWithCode(first._id, 'AAAA-AAAA-AAAA-AAAA', [a, replacement], teamA, settings)))?.fields).to.deep.equal({ code: 'wrong_code' });
    await Inspector.updateOne({ inspectorId: replacement }, { $set: { 'certificates.0.validUntil': new Date('2026-07-01T00:00:00Z') } });
    expect((await failure(checkInWithCode(first._id, approved.checkCode!, [a, replacement], teamA, settings)))?.fields).to.deep.equal({ inspectors: 'certificate_invalid' });
    await Inspector.updateOne({ inspectorId: replacement }, { $set: { 'certificates.0.validUntil': new Date('2029-01-01T00:00:00Z') } });
    const checkedIn = await checkInWithCode(first._id, approved.checkCode!, [a, replacement], teamA, settings);
    expect(checkedIn.state).to.equal('checked_in');
    expect(checkedIn.checkIn).to.include({ via: 'code', day: '2026-07-24' });

    // Findings, confirmed by both present members before submission.
    const findings: FindingInput[] = [{ itemCode: 'A01', methods: ['现场检查'], resultCategory: 'R02', problems: '未按期公示年报', handling: '责令改正', followUp: 'F02', rectifyBy: '2026-08-24' }];
    const bad = await failure(saveFindings(first._id, [{ ...findings[0]!, resultCategory: 'R99', methods: [] }], '', teamA, settings));
    expect(bad?.fields).to.deep.include({ resultCategory: 'required', 'items.0.resultCategory': 'invalid', 'items.0.methods': 'required' });
    const entered = await saveFindings(first._id, findings, 'R02', teamA, settings);
    expect(entered.state).to.equal('findings_entered');
    await confirmFindings(first._id, entered.revision, teamA, settings);
    expect((await failure(submitFindings(first._id, teamA, settings)))?.problem).to.equal('inspection_unconfirmed');
    await confirmFindings(first._id, entered.revision, teamR, settings);
    const submitted = await submitFindings(first._id, teamR, settings);
    expect(submitted.state).to.equal('submitted');
    expect(submitted.resultOn).to.equal('2026-07-24');
    expect(submitted.publishDueOn).to.equal((await workingCalendar()).addWorkingDays('2026-07-24', 20));
    expect(submitted.publishDueOn).to.equal('2026-08-21');
    expect((await failure(saveFindings(first._id, findings, 'R01', teamA, settings)))?.problem, 'no edit after submission').to.equal('inspection_state');

    // Return with comments, correction, resubmission (the deadline stays with the first result day).
    expect((await failure(reviewInspection(first._id, { decision: 'return' }, chen, settings)))?.fields).to.deep.equal({ comment: 'review_comment_required' });
    const returned = await reviewInspection(first._id, { decision: 'return', comment: '请补充整改期限依据' }, chen, settings);
    expect(returned.state).to.equal('returned');
    world.clock.set('2026-07-27T02:00:00Z');
    const fixed = await saveFindings(first._id, [{ ...findings[0]!, note: '依据《企业信息公示暂行条例》' }], 'R02', teamR, settings);
    await confirmFindings(first._id, fixed.revision, teamA, settings);
    await confirmFindings(first._id, fixed.revision, teamR, settings);
    const resubmitted = await submitFindings(first._id, teamA, settings);
    expect(resubmitted).to.include({ state: 'submitted', resultOn: '2026-07-24', publishDueOn: '2026-08-21' });

    // Review: nobody who took part; then publication at once.
    expect((await failure(reviewInspection(first._id, { decision: 'approve' }, inspectorActing(b, 'supervisor'), settings)))?.name, 'the recused member took part too').to.equal('ForbiddenError');
    const published = await reviewInspection(first._id, { decision: 'approve', comment: '同意公示' }, chen, settings);
    expect(published.state).to.equal('published');
    expect(published.publication).to.include({ creditCode: first.creditCode, resultCategory: 'R02', resultLabel: '未按规定公示应当公示的信息', publishedOn: '2026-07-27' });
    expect(JSON.stringify(published.publication)).to.not.contain(a).and.not.contain(replacement);

    // Published: never edited; a correction is a new, visible entry.
    expect((await failure(saveFindings(first._id, findings, 'R01', teamA, settings)))?.problem).to.equal('inspection_state');
    const corrected = await correctPublished(first._id, { reason: '录入错误', resultCategory: 'R05' }, chen, settings);
    expect(corrected.publication).to.deep.equal(published.publication);
    expect(corrected.corrections).to.have.length(1);
    expect(corrected.corrections[0]!.changes).to.deep.include({ resultCategory: { from: 'R02', to: 'R05', label: '发现问题已责令改正' } });

    // Follow-up until closed.
    const followed = await recordFollowUp(first._id, { measure: 'F02', note: '已责令限期改正' }, chen, settings);
    expect(followed.state).to.equal('published');
    const closed = await recordFollowUp(first._id, { measure: 'F01' }, chen, settings);
    expect(closed.state).to.equal('closed');

    const actions = (await AuditEvent.find({ 'target.type': 'inspection', 'target.id': first._id }).sort({ at: 1, _id: 1 }).lean()).map((e) => e.action);
    expect(actions).to.include.members(['inspection.recusal', 'inspection.approve', 'inspection.check_in', 'inspection.findings', 'inspection.confirm', 'inspection.submit', 'inspection.return', 'inspection.approve_publication', 'inspection.publish', 'inspection.correct', 'inspection.follow_up', 'inspection.close']);
    expect((await loadInspection(first._id)).outbox).to.deep.equal([]);
  });

  it('an inspector sees and changes only inspections they are on; a rejected result is inspected again; a scheduled publication waits for its time', async () => {
    const { chen, settings } = world;
    const [one, two] = world.inspections as [InspectionRecord, InspectionRecord];
    const stranger = (await Inspector.findOne({ inspectorId: mongoose.trusted({ $nin: one.team }) }).lean())!.inspectorId;
    await approveInspection(one._id, { mode: 'onsite' }, chen, settings);
    expect((await failure(checkInWithCode(one._id, 'x', [stranger, one.team[0]!], inspectorActing(stranger), settings)))?.name).to.equal('ForbiddenError');
    expect((await failure(approveInspection(two._id, { mode: 'onsite' }, { ...chen, departmentCode: 'HJ-WJW' }, settings)))?.name).to.equal('ForbiddenError');

    // No code at the door: filed on certificates within 3 working days, with a reason.
    const member = inspectorActing(one.team[0]!);
    world.clock.set('2026-07-30T02:00:00Z'); // Thursday; the visit on Friday 24 July is 4 working days back
    expect((await failure(fileLateCheckIn(one._id, { day: '2026-07-24', present: [...one.team], reason: '扫码设备故障' }, member, settings)))?.fields).to.deep.equal({ day: 'late_check_in_expired' });
    const late = await fileLateCheckIn(one._id, { day: '2026-07-27', present: [...one.team], reason: '扫码设备故障' }, member, settings);
    expect(late.checkIn).to.include({ via: 'certificate', day: '2026-07-27', lateReason: '扫码设备故障' });

    const entered = await saveFindings(one._id, [{ itemCode: 'A01', methods: ['现场检查'], resultCategory: 'R01' }], 'R01', member, settings);
    for (const id of one.team) await confirmFindings(one._id, entered.revision, inspectorActing(id), settings);
    await submitFindings(one._id, member, settings);
    const rejected = await reviewInspection(one._id, { decision: 'reject', comment: '现场笔录缺失，重新检查' }, chen, settings);
    expect(rejected.state).to.equal('rejected');
    const again = await checkInWithCode(one._id, rejected.checkCode!, [...one.team], member, settings);
    expect(again.state).to.equal('checked_in');

    const entered2 = await saveFindings(one._id, [{ itemCode: 'A01', methods: ['现场检查'], resultCategory: 'R01' }], 'R01', member, settings);
    for (const id of one.team) await confirmFindings(one._id, entered2.revision, inspectorActing(id), settings);
    await submitFindings(one._id, member, settings);
    const at = new Date('2026-07-31T02:00:00Z');
    const waiting = await reviewInspection(one._id, { decision: 'approve', publishAt: at }, chen, settings);
    expect(waiting.state).to.equal('approved_for_publication');
    expect(await publishDue(settings)).to.equal(0);
    world.clock.set('2026-07-31T02:00:01Z');
    expect(await publishDue(settings)).to.equal(1);
    expect((await loadInspection(one._id)).state).to.equal('published');
  });
});
