// Owns the demo world's history: published plans (an annual one per year and a 专项 one with its
// necessity note and a second supervisor's approval), three past tasks announced, drawn from
// their declared sources, locked and dispatched, their inspections taken through every state up
// to publication, correction and follow-up (server/demo/demo-inspections.ts), and one task
// announced for a draw three days ahead — all through the real use cases (server/plans/*,
// server/inspections/*), never written directly, so every draw verifies and every step is on the
// audit trail.
//
// Offline by design: the demo cannot reach drand, so its tasks declare a lottery (entered by the
// two demo supervisors, who must agree — demo values, not that day's real result) and a
// commit–reveal secret (DRAW-SPEC §14.3). Past steps run on demo clocks handed to the use cases
// as DrawSettings.now / InspectionSettings.now, set to the times server/demo/demo-timeline.ts
// gives them; the rules are untouched (an announcement precedes its draw, a lottery is entered
// after its publication time by two people, a check-in needs two valid certificates).
//
// Two phases: prepareDemoHistory() makes the plans, tasks, draws and the future announcement and
// chooses the demo inspector (a few seconds: before the app listens, so the demo accounts can be
// printed); DemoHistory.finish() drives the ~100 inspections (a minute on the embedded database),
// which the app runs in the background once it listens.
//
// Resumable: the anchor day is kept in the 'demo-workflow' marker, every object has a
// deterministic key (plan and task numbers, the announcement's slot, inspection ids) and every
// inspection is driven from whatever state it is in, so a load killed at any point finishes on the
// next start, and a finished one is never repeated.
import mongoose, { Types } from 'mongoose';
import { InspectionItem } from '../../models/inspection-item.js';
import { MarketEntity } from '../../models/market-entity.js';
import { AppMeta } from '../../models/app-meta.js';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, LotteryEntry, type DrawRunRecord } from '../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { Plan, type PlanRecord } from '../../models/plan.js';
import { Task, type TaskRecord } from '../../models/task.js';
import { workingCalendar } from '../calendar/calendar-store.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { announceSlot, publishedAnnouncement } from '../plans/announce.js';
import { dispatchDraw, lockDraw } from '../plans/drawn-list.js';
import { requestDraw } from '../plans/draws.js';
import { advancePlanStatus, approvePlan, createPlan, publishPlan, type PlanInput } from '../plans/plans.js';
import { enterLotteryResult, lotteryAvailableAt } from '../plans/sources.js';
import { completeTask, createTask } from '../plans/tasks.js';
import { DemoClock, drawSettings, step, supervisorActing, type DemoContext, type DemoHistoryOptions } from './demo-context.js';
import { WORKFLOW_MARKER, chooseFocus, driveAll, thirdTaskJobs, type DemoJob } from './demo-inspections.js';
import {
  DEMO_DEPARTMENT, DEMO_LOTTERY, DEMO_TEAM_DEPARTMENTS, addDays, demoLotteryDigits, demoTasks, localInstant, type DemoTarget, type DemoTaskSpec,
} from './demo-timeline.js';
import { dayOf } from '../time.js';

export { WORKFLOW_MARKER };
export const DEMO_SUPERVISOR = 'demo-supervisor';
export const DEMO_REVIEWER = 'demo-reviewer';

interface MarkerValue { status: 'loading' | 'done'; anchor: string; focus?: string; targets?: { id: string; target: DemoTarget }[] }

export interface DemoHistory {
  /** The roster id of the inspector whose work the history leaves waiting (the demo inspector). */
  focus: string;
  /** Drives the inspections to their states, completes the finished tasks and marks the history done. */
  finish(): Promise<void>;
}

/** Below this many entities the third task's fixed quotas do not fit the strata (tests start tiny demo worlds: no history). */
export const MIN_HISTORY_ENTITIES = 1000;

/** Whether the database holds what the history draws from: a roster of demo size and the default items it inspects. */
export async function demoHistoryPossible(): Promise<boolean> {
  const [entities, items] = await Promise.all([
    MarketEntity.estimatedDocumentCount(), InspectionItem.countDocuments({ code: mongoose.trusted({ $in: PLAN_ITEMS }), active: true }),
  ]);
  return entities >= MIN_HISTORY_ENTITIES && items === PLAN_ITEMS.length;
}

/**
 * The first phase of the demo history, or null when it is complete already. Needs the demo
 * world and the two demo supervisors (server/demo/demo-users.ts makes them first).
 */
export async function prepareDemoHistory(options: DemoHistoryOptions): Promise<DemoHistory | null> {
  const real = options.now ?? (() => new Date());
  let marker = (await AppMeta.findOne({ key: WORKFLOW_MARKER }).lean())?.value as MarkerValue | undefined;
  if (marker?.status === 'done') return null;
  if (!marker) {
    await AppMeta.updateOne({ key: WORKFLOW_MARKER }, { $setOnInsert: { key: WORKFLOW_MARKER, value: { status: 'loading', anchor: dayOf(real(), options.timeZone) } } }, { upsert: true });
    marker = (await AppMeta.findOne({ key: WORKFLOW_MARKER }).lean())!.value as MarkerValue;
  }
  const ctx: DemoContext = {
    options, real, calendar: await (options.calendar ?? workingCalendar)(), steps: 0, progress: options.progress ?? (() => {}),
    supervisor: await supervisorActing(DEMO_SUPERVISOR), reviewer: await supervisorActing(DEMO_REVIEWER),
  };
  const started = Date.now();
  const specs = demoTasks(marker.anchor, ctx.calendar, options.timeZone);
  const plans = await ensurePlans(ctx, marker.anchor, specs);
  const runs = new Map<DemoTaskSpec, { task: TaskRecord; run: DrawRunRecord }>();
  for (const spec of specs) {
    const task = await ensureTask(ctx, spec, plans.get(Number(spec.inspectionDate.slice(0, 4)))!);
    if (spec.past) runs.set(spec, { task, run: await drawAndLock(ctx, spec, task) });
    else await announceFuture(ctx, spec, task);
    ctx.progress(`demo history: task ${spec.number} ${spec.past ? 'drawn and locked' : 'announced'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const jobs: DemoJob[] = [];
  let focus = marker.focus;
  for (const [spec, { run }] of runs) {
    const inspections = await Inspection.find({ runKey: run.key }).sort({ _id: 1 }).lean<InspectionRecord[]>();
    if (spec.key !== 'T3') {
      jobs.push(...inspections.map((i, index) => ({ spec, id: i._id, index, target: 'published' as const })));
      continue;
    }
    focus ??= await chooseFocus(ctx, inspections);
    // The targets are fixed once (a recusal later changes a team; a resumed load keeps the same plan).
    // (A list of objects: inspection ids hold dots, which a field name should not, and FerretDB stores no nested arrays.)
    let kept = marker.targets;
    if (!kept) {
      kept = (await thirdTaskJobs(ctx, spec, inspections, focus)).map((j) => ({ id: j.id, target: j.target }));
      await AppMeta.updateOne({ key: WORKFLOW_MARKER }, { $set: { 'value.targets': kept } });
    }
    const targets = new Map(kept.map((k) => [k.id, k.target]));
    jobs.push(...inspections.map((i, index) => ({ spec, id: i._id, index, target: targets.get(i._id) ?? ('published' as const) })));
  }
  ctx.progress(`demo history: plans, tasks and draws ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${jobs.length} inspections to take forward`);
  const chosen = focus!;
  return {
    focus: chosen,
    finish: async () => {
      const begun = Date.now();
      await driveAll(ctx, jobs, chosen);
      for (const [spec, { task }] of runs) if (spec.complete) await completeIfDrawn(ctx, spec, task);
      await invalidatePublicCache(real()); // pages cached while the demo clocks ran are rendered afresh
      await AppMeta.updateOne({ key: WORKFLOW_MARKER }, { $set: { 'value.status': 'done' } });
      ctx.progress(`demo history: loaded (${jobs.length} inspections in ${((Date.now() - begun) / 1000).toFixed(1)} s)`);
    },
  };
}

// ---- plans

const PLAN_ITEMS = ['A02', 'A03', 'C01', 'C02'];

async function ensurePlan(ctx: DemoContext, input: PlanInput, publishAt: Date): Promise<PlanRecord> {
  const clock = new DemoClock(ctx.real);
  let plan = await Plan.findOne({ number: input.number, leadDepartment: DEMO_DEPARTMENT }).sort({ version: -1 }).lean<PlanRecord>();
  if (!plan) {
    plan = await createPlan(input, ctx.supervisor);
    step(ctx);
  }
  if (plan.inspectionType === '专项' && !plan.approvedAt) {
    clock.set(new Date(publishAt.getTime() - 86_400_000));
    plan = await approvePlan(plan.planKey, ctx.reviewer, clock.now()); // the second supervisor, not the author
    step(ctx);
  }
  if (!plan.publishedAt) {
    clock.set(publishAt);
    plan = await publishPlan(plan.planKey, ctx.supervisor, clock.now());
    step(ctx);
  }
  if (plan.status === '待执行') {
    plan = await advancePlanStatus(plan.planKey, ctx.supervisor);
    step(ctx);
  }
  return plan;
}

/** The annual plan of every year a demo task falls in (planKey by year), and one 专项 plan. */
async function ensurePlans(ctx: DemoContext, anchor: string, specs: DemoTaskSpec[]): Promise<Map<number, string>> {
  const tz = ctx.options.timeZone;
  const byYear = new Map<number, string>();
  for (const year of [...new Set(specs.map((s) => Number(s.inspectionDate.slice(0, 4))))].sort()) {
    const firstAnnouncement = specs.filter((s) => s.inspectionDate.startsWith(String(year))).map((s) => s.announceDay).sort()[0]!;
    const publishDay = [`${year}-02-20`, addDays(firstAnnouncement, -5)].sort()[0]!;
    const plan = await ensurePlan(ctx, {
      year, number: `洪市监〔${year}〕3号`, name: `${year}年度洪江区市场监管领域“双随机、一公开”抽查计划`, leadDepartment: DEMO_DEPARTMENT,
      inspectionType: '日常', itemCodes: PLAN_ITEMS, scope: '洪江区登记在册的各类市场主体',
      ratios: ['A', 'B', 'C', 'D'].map((risk, i) => ({ label: `信用风险${risk}类`, where: { riskClass: [risk] }, ratioPpm: [5_000, 10_000, 50_000, 200_000][i]! })),
      batches: [{ name: '第一批', period: '上半年' }, { name: '第二批', period: '第三季度' }, { name: '第三、四批', period: '第四季度' }],
    }, localInstant(publishDay, '10:00', tz));
    byYear.set(year, plan.planKey);
  }
  const year = Number(anchor.slice(0, 4));
  const publishDay = [addDays(anchor, -30), `${year}-01-05`].sort().at(-1)!;
  await ensurePlan(ctx, {
    year, number: `洪市监〔${year}〕12号`, name: `${year}年度洪江区燃气用具及计量器具专项检查计划`, leadDepartment: DEMO_DEPARTMENT,
    inspectionType: '专项', itemCodes: ['C02'], scope: '辖区内使用强制检定计量器具的餐饮服务和燃气经营单位',
    necessityNote: '近期辖区发生两起因燃气计量器具失准引发的投诉，日常抽查比例不足以覆盖风险，需开展专项检查。',
    batches: [{ name: '专项', period: '第四季度' }],
  }, localInstant(publishDay, '10:00', tz));
  return byYear;
}

// ---- tasks and draws

async function ensureTask(ctx: DemoContext, spec: DemoTaskSpec, planKey: string): Promise<TaskRecord> {
  const found = await Task.findOne({ number: spec.number }).lean<TaskRecord>();
  if (found) return found;
  const task = await createTask({
    number: spec.number, name: spec.name, planKey, itemCodes: spec.itemCodes, targeting: spec.targeting,
    ...(spec.conditions ? { conditions: spec.conditions } : {}), strata: spec.strata, repeatWindowDays: 180, inspectionType: '日常',
    inspectionDate: spec.inspectionDate, periodStart: spec.inspectionDate, periodEnd: spec.periodEnd, publishList: true,
    schedule: { at: spec.drawAt }, sources: { drand: false, lotteryGame: DEMO_LOTTERY, commitReveal: true },
    assignment: { teamSize: 2, maxAssignmentsPerInspector: 6, allowedDepartments: DEMO_TEAM_DEPARTMENTS },
  }, ctx.supervisor);
  step(ctx);
  return task;
}

/** The task waiting for its draw: announced now (the real clock), its lottery still to come. */
async function announceFuture(ctx: DemoContext, spec: DemoTaskSpec, task: TaskRecord): Promise<void> {
  const slot = task.schedule!.at!;
  if (await Announcement.exists({ taskId: task._id })) return;
  if (slot.getTime() <= ctx.real().getTime() + 60_000) {
    ctx.progress(`demo history: the draw time of ${spec.number} has passed; it is not announced`);
    return;
  }
  await announceSlot(task, slot, ctx.supervisor, drawSettings(ctx, { now: ctx.real }));
  step(ctx);
}

/** Both supervisors enter the declared lottery's result, the morning after its publication. */
async function enterLottery(ctx: DemoContext, clock: DemoClock, a: AnnouncementRecord, digits: string): Promise<void> {
  for (const [index, d] of publishedAnnouncement(a).randomness.entities.entries()) {
    if (d.type !== 'lottery') continue;
    clock.set(new Date(Math.max(lotteryAvailableAt(d).getTime() + 11 * 3600_000, a.drawAt.getTime() - 30 * 60_000)));
    for (const who of [ctx.supervisor, ctx.reviewer]) {
      const userId = (who.actor as { userId: Types.ObjectId }).userId;
      if (await LotteryEntry.exists({ announcementId: a._id, index, userId, withdrawnAt: null })) continue;
      await enterLotteryResult(a._id.toString(), index, digits, who, drawSettings(ctx, clock));
      step(ctx);
    }
  }
}

/** Announce, lottery, draw, lock (which creates the inspections) and dispatch — each once. */
async function drawAndLock(ctx: DemoContext, spec: DemoTaskSpec, task: TaskRecord): Promise<DrawRunRecord> {
  const clock = new DemoClock(ctx.real);
  const settings = drawSettings(ctx, clock);
  clock.set(localInstant(spec.announceDay, '09:30', ctx.options.timeZone));
  const a = await announceSlot(task, task.schedule!.at!, ctx.supervisor, settings);
  step(ctx);
  await enterLottery(ctx, clock, a, demoLotteryDigits(ctx.options.seed, task.number));
  clock.set(new Date(a.drawAt.getTime() + 60_000));
  const outcome = await requestDraw(a._id.toString(), ctx.supervisor, settings);
  step(ctx);
  if (outcome.state !== 'complete') throw new Error(`demo history: the draw of ${task.number} ended ${outcome.state}`);
  const runKey = outcome.run.key;
  clock.set(new Date(a.drawAt.getTime() + 15 * 60_000));
  await lockDraw(runKey, ctx.supervisor, settings);
  step(ctx);
  clock.set(new Date(a.drawAt.getTime() + 20 * 60_000));
  await dispatchDraw(runKey, ctx.supervisor, settings);
  step(ctx);
  return (await DrawRun.findOne({ key: runKey }).select('-randomness').lean<DrawRunRecord>())!;
}

async function completeIfDrawn(ctx: DemoContext, spec: DemoTaskSpec, task: TaskRecord): Promise<void> {
  const current = await Task.findById(task._id).select('status').lean<{ status: string }>();
  if (current?.status !== '已抽取') return;
  const clock = new DemoClock(ctx.real);
  clock.set(localInstant(ctx.calendar.addWorkingDays(spec.periodEnd, 5), '17:00', ctx.options.timeZone));
  await completeTask(task._id.toString(), ctx.supervisor, clock.now());
  step(ctx);
}
