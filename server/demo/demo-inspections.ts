// Owns taking each demo inspection from the state it is in to the state the demo history leaves
// it in (server/demo/demo-timeline.ts): approval, check-in by code with both members, findings,
// both confirmations, submission, review (publication, a return, a rejection, a publication set
// for later), a correction and the follow-up — each through its use case, on a clock of its own
// set to the time the timeline gives that step. Driven from the current state, so a load that
// stopped anywhere continues where it stopped; an inspection someone changed meanwhile in the app
// (a 409 from the use case) is left as they made it.
import mongoose from 'mongoose';
import { AppMeta } from '../../models/app-meta.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Inspector } from '../../models/inspector.js';
import { User } from '../../models/user.js';
import { ConflictError } from '../errors.js';
import { approveInspection } from '../inspections/approval.js';
import { checkInWithCode, presentProblems } from '../inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings, unconfirmed, type FindingInput } from '../inspections/findings.js';
import { declareRecusal } from '../inspections/recusal.js';
import { answerStatement, makeStatement, statementOfVisit } from '../inspections/statement.js';
import { correctPublished, recordFollowUp, reviewInspection } from '../inspections/review.js';
import { DemoClock, inspectionSettings, inspectorActing, step, type DemoContext } from './demo-context.js';
import { FINDING_TEXT, demoResult, localInstant, thirdTaskTargets, type DemoTarget, type DemoTaskSpec } from './demo-timeline.js';
import { dayOf } from '../time.js';

export const WORKFLOW_MARKER = 'demo-workflow';

/** One inspection to drive: its task, its place in the drawn list and where it ends. */
export interface DemoJob { spec: DemoTaskSpec; id: string; index: number; target: DemoTarget }

/**
 * The demo inspector: the member of the third task's teams with the most visits, a certificate
 * valid today and no account yet. Chosen once and kept in the marker.
 */
export async function chooseFocus(ctx: DemoContext, inspections: InspectionRecord[]): Promise<string> {
  const today = dayOf(ctx.real(), ctx.options.timeZone);
  const counts = new Map<string, number>();
  for (const i of inspections) for (const id of i.team) counts.set(id, (counts.get(id) ?? 0) + 1);
  const linked = new Set((await Inspector.find({ userId: mongoose.trusted({ $ne: null }) }).select('inspectorId').lean<{ inspectorId: string }[]>()).map((i) => i.inspectorId));
  // A database whose demo inspector exists already (made before the history was added): theirs, if they are on a team.
  const account = await User.findOne({ username: 'demo-inspector' }).select('inspectorId').lean<{ inspectorId?: unknown }>();
  const existing = account?.inspectorId ? (await Inspector.findById(account.inspectorId).select('inspectorId').lean<{ inspectorId: string }>())?.inspectorId : undefined;
  if (existing) linked.delete(existing);
  const ranked = [...counts.entries()].filter(([id]) => !linked.has(id))
    .sort((a, b) => Number(b[0] === existing) - Number(a[0] === existing) || b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [id] of ranked) {
    if (Object.keys(await presentProblems({ team: [id] }, [id], today, ctx.options.timeZone)).length === 0) {
      await AppMeta.updateOne({ key: WORKFLOW_MARKER }, { $set: { 'value.focus': id } });
      return id;
    }
  }
  throw new Error('demo history: no inspector of the third task can check in today');
}

/**
 * Targets of the third task's inspections: the demo inspector's visits whose whole team may check
 * in today are left for them to do; the supervisors find visits to approve and results to review.
 */
export async function thirdTaskJobs(ctx: DemoContext, spec: DemoTaskSpec, inspections: InspectionRecord[], focus: string): Promise<DemoJob[]> {
  const today = dayOf(ctx.real(), ctx.options.timeZone);
  const ready = async (i: InspectionRecord) => Object.keys(await presentProblems(i, i.team, today, ctx.options.timeZone)).length === 0;
  const mine: InspectionRecord[] = [];
  const mineLater: InspectionRecord[] = [];
  for (const i of inspections.filter((x) => x.team.includes(focus))) (await ready(i) ? mine : mineLater).push(i);
  const others = inspections.filter((x) => !x.team.includes(focus));
  const plan = thirdTaskTargets(mine.length + mineLater.length, others.length);
  const target = new Map<string, DemoTarget>();
  [...mine, ...mineLater].forEach((i, n) => target.set(i._id, plan.mine[n]!));
  others.forEach((i, n) => target.set(i._id, plan.others[n]!));
  return inspections.map((i, index) => ({ spec, id: i._id, index, target: target.get(i._id)! }));
}

/** Runs the jobs `concurrency` at a time; the first failure stops new ones and is thrown once the running ones end. */
export async function driveAll(ctx: DemoContext, jobs: DemoJob[], focus: string): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  let done = 0;
  let reported = Date.now();
  const methods = await methodsOfItems();
  const worker = async () => {
    while (failure === null && next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await drive(ctx, job, focus, methods);
      } catch (error) {
        if (error instanceof ConflictError) {
          ctx.progress(`demo history: ${job.id} was changed in the app meanwhile; left as it is`);
        } else failure ??= error;
      }
      done += 1;
      if (Date.now() - reported > 3000 || done === jobs.length) {
        reported = Date.now();
        ctx.progress(`demo history: ${done}/${jobs.length} inspections`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.options.concurrency ?? 4) }, worker));
  if (failure !== null) throw failure;
}

const ONSITE_REASON = '需现场核实经营场所、营业执照和公示信息是否一致。';
const STATEMENT_TEXT = '我单位已在检查后补报了年度报告中遗漏的信息，请在认定检查结果时予以考虑。';

/** The methods each item allows (a finding names one of its item's methods). */
async function methodsOfItems(): Promise<Map<string, string[]>> {
  const items = await InspectionItem.find().select('code methods').lean<{ code: string; methods: string[] }[]>();
  return new Map(items.map((i) => [i.code, i.methods]));
}

function findingsFor(items: string[], result: string, methods: Map<string, string[]>, rectifyBy: string): FindingInput[] {
  return items.map((itemCode, n) => {
    const category = n === 0 ? result : 'R01';
    const words = FINDING_TEXT[category] ?? FINDING_TEXT.R01!;
    const allowed = methods.get(itemCode) ?? ['书面检查'];
    return {
      itemCode, methods: [allowed.includes('现场检查') ? '现场检查' : allowed[0]!], resultCategory: category, problems: words.problems,
      handling: words.handling, followUp: words.followUp, ...(category === 'R02' || category === 'R05' ? { rectifyBy } : {}),
    };
  });
}

interface Times { approval: Date; checkInDay: string; checkIn: Date; review: Date; followUp: Date; correction: Date }

function timesOf(ctx: DemoContext, spec: DemoTaskSpec, index: number): Times {
  const tz = ctx.options.timeZone;
  const cal = ctx.calendar;
  const checkInDay = cal.addWorkingDays(spec.inspectionDate, index % 6);
  // Submitted on the day of the visit; reviewed once the entity's time to state its case is over.
  // One result of the first task is published late: the timeliness statistic is not all 100 %.
  const heard = (ctx.options.statementWorkingDays ?? 0) + 1;
  const reviewDay = cal.addWorkingDays(checkInDay, spec.key === 'T1' && index === 2 ? Math.max(23, heard) : heard + (index % 4));
  const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);
  return {
    approval: plus(localInstant(spec.approvalDay, '10:00', tz), index * 2),
    checkInDay,
    checkIn: plus(localInstant(checkInDay, '09:00', tz), (index % 3) * 60 + index),
    review: plus(localInstant(reviewDay, '15:00', tz), index),
    followUp: plus(localInstant(cal.addWorkingDays(reviewDay, 5), '16:00', tz), index),
    correction: plus(localInstant(cal.addWorkingDays(reviewDay, 3), '10:00', tz), index),
  };
}

/** When the team checked in, in ms (the findings and confirmations follow it). */
const visitAt = (i: InspectionRecord) => (i.checkIn?.at ? new Date(i.checkIn.at).getTime() : 0);

/** Takes one inspection from its state to its target, one use case at a time. */
async function drive(ctx: DemoContext, job: DemoJob, focus: string, methods: Map<string, string[]>): Promise<void> {
  const { spec, index, target } = job;
  const clock = new DemoClock(ctx.real);
  const s = inspectionSettings(ctx, clock);
  const t = timesOf(ctx, spec, index);
  const corrected = spec.key === 'T1' && index === 1; // published as 未发现问题, corrected after the annual report was re-read
  const result = corrected ? 'R01' : demoResult(`${ctx.options.seed}/${spec.key}`, index, spec.complete);
  let i = await Inspection.findById(job.id).lean<InspectionRecord>();
  if (!i) return;
  for (let guard = 0; guard < 20; guard += 1) {
    switch (i.state) {
      case 'assigned': {
        if (target === 'assigned') {
          // One conflict of interest declared before a visit: the replacement is drawn by the engine's recusal rule.
          if (spec.key === 'T3' && i.recusals.length === 0 && !i.team.includes(focus) && index % 2 === 1) {
            clock.set(new Date(t.approval.getTime() - 3600_000));
            const member = i.team[1]!;
            i = await declareRecusal(i._id, { inspectorId: member, reason: '本人近亲属在该企业任职，申请回避。', requestedBy: 'inspector' }, inspectorActing(member), s);
            step(ctx);
          }
          return;
        }
        clock.set(t.approval);
        i = await approveInspection(i._id, { mode: 'onsite', reason: ONSITE_REASON }, ctx.supervisor, s);
        step(ctx);
        break;
      }
      case 'approved': {
        if (target === 'approved') return;
        // The planned day, unless a certificate lapsed by then: the inspection date, when the draw found every member valid.
        const planned = Object.keys(await presentProblems(i, i.team, t.checkInDay, s.timeZone)).length === 0;
        clock.set(planned ? t.checkIn : localInstant(spec.inspectionDate, '09:30', s.timeZone));
        i = await checkInWithCode(i._id, i.checkCode!, i.team, inspectorActing(i.team[0]!), s);
        step(ctx);
        break;
      }
      case 'checked_in': {
        if (target === 'checked_in') return;
        clock.set(new Date(visitAt(i) + 2 * 3600_000));
        const findings = findingsFor(i.itemCodes, result, methods, ctx.calendar.addWorkingDays(i.checkIn?.day ?? t.checkInDay, 15));
        i = await saveFindings(i._id, findings, result, inspectorActing(i.team[0]!), s);
        step(ctx);
        break;
      }
      case 'findings_entered': {
        // The demo inspector's own confirmation is left to them where the target stops here.
        const next = unconfirmed(i).find((id) => !(target === 'findings_entered' && id === focus));
        if (next) {
          clock.set(new Date(visitAt(i) + 2 * 3600_000 + (i.confirmations.length + 1) * 5 * 60_000));
          i = await confirmFindings(i._id, i.revision, inspectorActing(next), s);
          step(ctx);
          break;
        }
        if (target === 'findings_entered') return;
        clock.set(new Date(visitAt(i) + 2 * 3600_000 + 20 * 60_000));
        i = await submitFindings(i._id, inspectorActing(i.team[0]!), s);
        step(ctx);
        break;
      }
      case 'submitted': {
        if (target === 'submitted') return;
        // 陈述申辩: in each finished task one entity states its case (answered before the review) and one declares it will not.
        const heard = spec.complete && ctx.options.statementWorkingDays !== undefined ? statementOfVisit(i) : undefined;
        if (heard === null && (index === 4 || index === 5)) {
          clock.set(localInstant(ctx.calendar.addWorkingDays(t.checkInDay, 1), '10:00', s.timeZone));
          i = await makeStatement(i, index === 4 ? { kind: 'statement', text: STATEMENT_TEXT } : { kind: 'waived' }, s);
          step(ctx);
          break;
        }
        if (heard?.kind === 'statement' && !heard.answer?.decision) {
          clock.set(new Date(t.review.getTime() - 2 * 3600_000));
          i = await answerStatement(i._id, { decision: 'not_accepted', reasons: '补报行为发生在检查之后，不影响本次检查结果的认定。' }, ctx.reviewer, s);
          step(ctx);
          break;
        }
        clock.set(t.review);
        // A later publication, but never after the due day (review.ts refuses that): by 20:00 of it at the latest.
        const dueEnd = i.publishDueOn ? localInstant(i.publishDueOn, '20:00', s.timeZone) : null;
        const later = new Date(ctx.real().getTime() + 2 * 86_400_000);
        const publishAt = dueEnd && dueEnd < later ? dueEnd : later;
        const input = target === 'returned' ? { decision: 'return' as const, comment: '请补充检查方法和现场照片后重新提交。' }
          : target === 'rejected' ? { decision: 'reject' as const, comment: '检查记录与现场情况不符，请重新检查。' }
          : target === 'scheduled' && publishAt > t.review ? { decision: 'approve' as const, publishAt }
          : { decision: 'approve' as const };
        i = await reviewInspection(i._id, input, ctx.reviewer, s);
        step(ctx);
        break;
      }
      case 'published': {
        if (corrected && i.corrections.length === 0) {
          clock.set(t.correction);
          i = await correctPublished(i._id, { reason: '复核企业年度报告，发现未按规定公示从业人数，更正检查结果。', resultCategory: 'R02' }, ctx.reviewer, s);
          step(ctx);
          break;
        }
        // Follow-up only in the finished tasks; 无需后续处置 closes the case.
        if (!spec.complete || i.followUp?.measure) return;
        clock.set(t.followUp);
        const measure = corrected ? 'F02' : FINDING_TEXT[result]?.followUp ?? 'F01';
        i = await recordFollowUp(i._id, { measure, note: measure === 'F01' ? '' : '已跟踪整改落实情况。' }, ctx.reviewer, s);
        step(ctx);
        break;
      }
      default:
        return; // returned, rejected, approved for a later publication, closed: left as they are
    }
  }
  throw new Error(`demo history: inspection ${job.id} did not reach ${target}`);
}
