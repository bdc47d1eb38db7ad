// Owns tasks (抽查任务): creation under a plan with only active items of the published list that
// the plan lists, scoping, completion, and what a task is waiting for (plan publication, its announcement, each
// declared source, the draw). Every change is audited.
// A 专项 task belongs under a 专项 plan only: that plan carries the necessity note and the second
// supervisor's approval a 专项 inspection needs (DOMAIN.md, 2025 rules). A 日常 task under a 专项
// plan is allowed: the plan's stricter approval covers it and no rule is skipped. Both rules
// (type and items) are checked at creation and again before each announcement, because a plan
// can be amended and an item deactivated after the task exists.
import { Types } from 'mongoose';
import mongoose from 'mongoose';
import { recordAudit } from '../audit/chain.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Task, type TaskRecord, TASK_INSPECTION_TYPES, TASK_TARGETING, DRAWN_INSPECTION_TYPES } from '../../models/task.js';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, type DrawRunRecord } from '../../models/draw-run.js';
import { LOTTERY_GAMES } from '../randomness/index.js';
import { ConflictError, NotFoundError, ValidationError, isDuplicateKeyError, type FieldErrors } from '../errors.js';
import { assertManage, assertRead, auditContext, type Acting } from './acting.js';
import type { PlanRecord } from '../../models/plan.js';
import { currentPlan, publishedPlan } from './plans.js';
import { validCron } from './schedule.js';

export interface StratumSpec {
  id: string;
  where?: Record<string, string[]>;
  quota: { count?: number; ratioPpm?: number; min?: number; max?: number };
  alternates?: number;
}

export interface TaskInput {
  number: string;
  name: string;
  planKey: string;
  itemCodes: string[];
  targeting: (typeof TASK_TARGETING)[number];
  conditions?: Record<string, string[]>;
  strata: StratumSpec[];
  repeatWindowDays?: number;
  inspectionType: (typeof TASK_INSPECTION_TYPES)[number];
  inspectionDate: string;
  periodStart?: string;
  periodEnd?: string;
  participatingDepartments?: string[];
  joint?: boolean;
  publishList?: boolean;
  schedule?: { at?: Date; cron?: string };
  sources?: { drand?: boolean; lotteryGame?: string; commitReveal?: boolean };
  assignment?: { teamSize: number; maxAssignmentsPerInspector: number; requiredQualifications?: string[]; allowedDepartments?: string[] };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A 专项 task under a plan that is not 专项 (it would skip the necessity note and approval). */
const typeMismatch = (taskType: string, planType: string) => taskType === '专项' && planType !== '专项';

/** The task's item codes that are not (or no longer) active on the published list, in task order. */
export async function unpublishedItems(codes: readonly string[]): Promise<string[]> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return [];
  const active = await InspectionItem.find({ code: mongoose.trusted({ $in: unique }), active: true }).select('code').lean<{ code: string }[]>();
  const known = new Set(active.map((i) => i.code));
  return unique.filter((c) => !known.has(c));
}
const CONDITION_KEYS = ['riskClass', 'industry', 'region', 'specialRoster'];

function checkWhere(where: unknown, field: string, fields: FieldErrors): void {
  if (where === undefined) return;
  if (typeof where !== 'object' || where === null) { fields[field] = 'task.condition'; return; }
  for (const [k, v] of Object.entries(where)) {
    if (!CONDITION_KEYS.includes(k) || !Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) fields[field] = 'task.condition';
  }
}

async function checkTask(input: TaskInput, plan: Pick<PlanRecord, 'itemCodes' | 'inspectionType'>): Promise<void> {
  const planItems: readonly string[] = plan.itemCodes ?? [];
  const fields: FieldErrors = {};
  if (!input.number?.trim()) fields.number = 'required';
  if (!input.name?.trim()) fields.name = 'required';
  if (!TASK_TARGETING.includes(input.targeting)) fields.targeting = 'task.targeting';
  if (!TASK_INSPECTION_TYPES.includes(input.inspectionType)) fields.inspectionType = 'task.inspection_type';
  else if (typeMismatch(input.inspectionType, plan.inspectionType)) fields.inspectionType = 'task.special_needs_special_plan';
  if (!DATE.test(input.inspectionDate ?? '')) fields.inspectionDate = 'invalid_date';
  if (input.targeting === '定向') checkWhere(input.conditions ?? {}, 'conditions', fields);
  if (input.targeting === '不定向' && input.conditions && Object.keys(input.conditions).length > 0) fields.conditions = 'task.untargeted_conditions';
  if (!Array.isArray(input.strata) || input.strata.length === 0) fields.strata = 'task.strata';
  (input.strata ?? []).forEach((s, i) => {
    checkWhere(s.where, `strata.${i}.where`, fields);
    if ((s.quota?.count === undefined) === (s.quota?.ratioPpm === undefined)) fields[`strata.${i}.quota`] = 'task.quota';
  });
  if (input.schedule?.cron && !validCron(input.schedule.cron)) fields['schedule.cron'] = 'task.cron';
  if (input.sources?.lotteryGame && !LOTTERY_GAMES[input.sources.lotteryGame]) fields['sources.lotteryGame'] = 'task.lottery_game';
  if (input.sources?.drand === false && !input.sources.lotteryGame) fields.sources = 'task.public_source_required';
  if (input.assignment && (!(input.assignment.teamSize >= 2) || !(input.assignment.maxAssignmentsPerInspector >= 1))) fields.assignment = 'task.team_size';
  // 2025 rule: nothing may be inspected that is not on the published list.
  const codes = [...new Set(input.itemCodes ?? [])];
  if (codes.length === 0) fields.itemCodes = 'required';
  else {
    if ((await unpublishedItems(codes)).length > 0) fields.itemCodes = 'task.item_not_published';
    // …and nothing the task's plan does not list: a task is a batch of its plan.
    else if (codes.some((c) => !planItems.includes(c))) fields.itemCodes = 'task.item_not_in_plan';
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}

export async function createTask(input: TaskInput, acting: Acting): Promise<TaskRecord> {
  const plan = await currentPlan(input.planKey);
  assertManage(acting, plan.leadDepartment);
  await checkTask(input, plan);
  let task;
  try {
    task = await Task.create({
      ...input, departmentCode: plan.leadDepartment, status: '待抽取',
      conditions: input.targeting === '定向' ? input.conditions ?? {} : {},
      createdBy: { userId: acting.actor.kind === 'user' ? acting.actor.userId : undefined, label: acting.actor.label },
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ValidationError({ number: 'task.number_taken' });
    throw error;
  }
  await recordAudit({ ...auditContext(acting), action: 'task.create', target: taskTarget(task), after: { number: task.number, name: task.name, planKey: task.planKey, schedule: input.schedule?.cron ?? input.schedule?.at?.toISOString() ?? null } });
  return task.toObject() as TaskRecord;
}

export const taskTarget = (t: Pick<TaskRecord, '_id' | 'number'>) => ({ type: 'task', id: t._id.toString(), label: t.number });

export async function loadTask(taskId: string | Types.ObjectId): Promise<TaskRecord> {
  const id = typeof taskId === 'string' ? (Types.ObjectId.isValid(taskId) ? new Types.ObjectId(taskId) : null) : taskId;
  const task = id ? await Task.findById(id).lean<TaskRecord>() : null;
  if (!task) throw new NotFoundError('No such task.');
  return task;
}

export async function getTask(taskId: string, acting: Acting): Promise<TaskRecord> {
  const task = await loadTask(taskId);
  assertRead(acting, task);
  return task;
}

/** The tasks a supervisor may see: their department's and joint tasks they take part in (an admin: all). */
export async function listTasks(acting: Acting): Promise<TaskRecord[]> {
  const dept = acting.departmentCode ?? '';
  const filter = acting.role === 'system' || acting.role === 'admin' || acting.role === 'observer' ? {} : { $or: [{ departmentCode: dept }, { participatingDepartments: dept }] };
  return Task.find(filter).sort({ createdAt: -1 }).limit(2000).lean<TaskRecord[]>();
}

/**
 * Why a task cannot be drawn at all (type, plan, items), or null. The texts are also matched by
 * views/tasks/waiting.ejs (BLOCKER_ITEMS and the words of each) to say it in the reader's language.
 */
export async function drawBlocker(task: TaskRecord): Promise<string | null> {
  if (!(DRAWN_INSPECTION_TYPES as readonly string[]).includes(task.inspectionType)) return `a ${task.inspectionType} task is not drawn (only 日常 and 专项 are)`;
  if (task.status === '已完成') return 'the task is 已完成';
  const plan = await publishedPlan(task.planKey);
  if (!plan) return 'its annual plan is not published';
  // The published version may have been amended to another type after the task was made.
  if (typeMismatch(task.inspectionType, plan.inspectionType)) return `${TYPE_MISMATCH} (${plan.inspectionType})`;
  // 2025 rule: nothing may be inspected that is not on the published list — checked again here
  // because an item can be deactivated (or dropped from the plan) after the task was created.
  const gone = await unpublishedItems(task.itemCodes ?? []);
  const dropped = (task.itemCodes ?? []).filter((c) => !gone.includes(c) && !(plan.itemCodes ?? []).includes(c));
  if (gone.length > 0 || dropped.length > 0) {
    const blocking = [...gone, ...dropped];
    const names = new Map((await InspectionItem.find({ code: mongoose.trusted({ $in: blocking }) }).select('code name').lean<{ code: string; name: string }[]>()).map((i) => [i.code, i.name]));
    return `${BLOCKER_ITEMS}: ${blocking.map((c) => (names.get(c) ? `${c} ${names.get(c)}` : c)).join(', ')}`;
  }
  return null;
}

/** Start of the blocker naming the items that block a task (matched by the task page). */
export const BLOCKER_ITEMS = 'items no longer on the published list or the plan';
/** Start of the blocker of a 专项 task whose published plan is not 专项. */
export const TYPE_MISMATCH = 'a 专项 task needs a 专项 plan, and its published plan is not';

export async function completeTask(taskId: string, acting: Acting, now = new Date()): Promise<void> {
  const task = await loadTask(taskId);
  assertManage(acting, task.departmentCode);
  if (task.status !== '已抽取') throw new ConflictError('Only a drawn task (已抽取) can be completed.');
  await Task.updateOne({ _id: task._id, status: '已抽取' }, { $set: { status: '已完成', completedAt: now } });
  await recordAudit({ ...auditContext(acting), action: 'task.complete', target: taskTarget(task), before: { status: task.status }, after: { status: '已完成' } });
}

export interface TaskDraws { announcements: AnnouncementRecord[]; runs: DrawRunRecord[] }

/** Every announcement and draw of a task, redos included (both stay visible). */
export async function taskDraws(taskId: string, acting: Acting): Promise<TaskDraws> {
  const task = await getTask(taskId, acting);
  const [announcements, runs] = await Promise.all([
    Announcement.find({ taskId: task._id }).select('-text').sort({ slot: 1, attempt: 1 }).lean<AnnouncementRecord[]>(),
    DrawRun.find({ taskId: task._id }).select('-randomness').sort({ slot: 1, attempt: 1 }).lean<DrawRunRecord[]>(),
  ]);
  return { announcements, runs };
}
