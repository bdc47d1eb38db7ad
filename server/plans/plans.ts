// Owns annual plans (年度抽查计划): creation, amendment (a new version; all kept), the second
// supervisor's approval a 专项 plan needs, publication (before its tasks can be drawn), status
// (待执行 → 执行中 → 已完成) and reading. Every change is audited; no req/res here.
import mongoose, { Types } from 'mongoose';
import { recordAudit } from '../audit/chain.js';
import { Plan, type PlanRecord, type PlanStatus, PLAN_INSPECTION_TYPES } from '../../models/plan.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../errors.js';
import { assertManage, auditContext, userIdOf, type Acting } from './acting.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { dayOf, instantAt } from '../time.js';

export interface PlanInput {
  year: number;
  number: string;
  name: string;
  leadDepartment: string;
  participatingDepartments?: string[];
  inspectionType: (typeof PLAN_INSPECTION_TYPES)[number];
  itemCodes?: string[];
  scope?: string;
  ratios?: { label: string; where?: Record<string, string[]>; ratioPpm: number }[];
  batches?: { name: string; period: string }[];
  necessityNote?: string;
  /** Default: PLAN_PUBLICATION_DEADLINE of the plan year (server/plans/settings.ts). */
  publicationDeadline?: Date;
}

const actorRef = (acting: Acting) => ({ userId: acting.actor.kind === 'user' ? acting.actor.userId : undefined, label: acting.actor.label });
const target = (p: Pick<PlanRecord, 'planKey' | 'version' | 'number'>) => ({ type: 'plan', id: `${p.planKey}@${p.version}`, label: p.number });

function check(input: PlanInput): void {
  const fields: FieldErrors = {};
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) fields.year = 'plan.year';
  if (!input.number?.trim()) fields.number = 'required';
  if (!input.name?.trim()) fields.name = 'required';
  if (!input.leadDepartment?.trim()) fields.leadDepartment = 'required';
  if (!PLAN_INSPECTION_TYPES.includes(input.inspectionType)) fields.inspectionType = 'plan.inspection_type';
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The end of that day in the office's time zone: an annual plan is due by it (default 31 March). */
function deadline(input: PlanInput, mmdd: string, timeZone: string): Date {
  return input.publicationDeadline ?? (instantAt(`${input.year}-${mmdd}`, '23:59:59', timeZone) as Date);
}

/**
 * A 专项 plan is published within a month of its approval (DOMAIN: "专项 plans within a
 * month"): due at the end of the same day of the next month (the month's last day if shorter).
 */
export function specialPlanDeadline(approvedAt: Date, timeZone: string): Date {
  const [year, month, day] = dayOf(approvedAt, timeZone).split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month, 1)); // the first of the next month (month is 1-based here)
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  const due = `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
  return instantAt(due, '23:59:59', timeZone) as Date;
}

export async function createPlan(input: PlanInput, acting: Acting, options: { planDeadline?: string; timeZone?: string } = {}): Promise<PlanRecord> {
  check(input);
  assertManage(acting, input.leadDepartment);
  const _id = new Types.ObjectId();
  const plan = await Plan.create({
    ...input, _id, planKey: _id.toHexString(), version: 1, status: '待执行',
    publicationDeadline: deadline(input, options.planDeadline ?? '03-31', options.timeZone ?? DEFAULT_TIME_ZONE), createdBy: actorRef(acting),
  });
  await recordAudit({ ...auditContext(acting), action: 'plan.create', target: target(plan), after: { number: plan.number, name: plan.name, year: plan.year, inspectionType: plan.inspectionType } });
  return plan.toObject() as PlanRecord;
}

/** The newest version of a plan. */
export async function currentPlan(planKey: string): Promise<PlanRecord> {
  const plan = await Plan.findOne({ planKey }).sort({ version: -1 }).lean<PlanRecord>();
  if (!plan) throw new NotFoundError('No such plan.');
  return plan;
}

/** Every version, oldest first (amendments are shown, never hidden). */
export async function planVersions(planKey: string): Promise<PlanRecord[]> {
  return Plan.find({ planKey }).sort({ version: 1 }).lean<PlanRecord[]>();
}

/** The newest published version, or null: what tasks are drawn under. */
export async function publishedPlan(planKey: string): Promise<PlanRecord | null> {
  return Plan.findOne({ planKey, publishedAt: mongoose.trusted({ $exists: true }) }).sort({ version: -1 }).lean<PlanRecord>();
}

export async function listPlans(acting: Acting, filter: { year?: number } = {}): Promise<PlanRecord[]> {
  // A department's plans: those it leads and those it takes part in (it may read both).
  const dept = acting.departmentCode ?? '';
  const query: Record<string, unknown> = acting.role === 'system' ? {} : { $or: [{ leadDepartment: dept }, { participatingDepartments: dept }] };
  if (filter.year) query.year = filter.year;
  const all = await Plan.find(query).sort({ year: -1, planKey: 1, version: -1 }).limit(2000).lean<PlanRecord[]>();
  const seen = new Set<string>();
  return all.filter((p) => !seen.has(p.planKey) && seen.add(p.planKey));
}

/** An amendment: a new version carrying the changes and the reason; the old one is kept. */
export async function amendPlan(planKey: string, changes: Partial<PlanInput>, reason: string, acting: Acting): Promise<PlanRecord> {
  const current = await currentPlan(planKey);
  assertManage(acting, current.leadDepartment);
  if (!reason?.trim()) throw new ValidationError({ amendmentReason: 'required' });
  const { _id, createdAt, updatedAt, publishedAt, publishedBy, approvedAt, approvedBy, ...kept } = current as PlanRecord & { createdAt?: Date; updatedAt?: Date };
  void _id; void createdAt; void updatedAt; void publishedAt; void publishedBy; void approvedAt; void approvedBy;
  const next = { ...kept, ...changes, planKey, leadDepartment: current.leadDepartment, version: current.version + 1, amendmentReason: reason.trim(), createdBy: actorRef(acting) };
  check(next as PlanInput);
  let plan;
  try {
    plan = await Plan.create(next);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new ConflictError('Someone amended this plan at the same moment; reload it.');
    throw error;
  }
  await recordAudit({ ...auditContext(acting), action: 'plan.amend', target: target(plan), before: { version: current.version }, after: { version: plan.version, reason: plan.amendmentReason, changed: Object.keys(changes) } });
  return plan.toObject() as PlanRecord;
}

/** A 专项 plan's approval, by a supervisor other than the one who wrote this version. */
export async function approvePlan(planKey: string, acting: Acting, now = new Date(), timeZone = DEFAULT_TIME_ZONE): Promise<PlanRecord> {
  const plan = await currentPlan(planKey);
  assertManage(acting, plan.leadDepartment);
  const me = userIdOf(acting);
  if (!me || plan.createdBy?.userId?.toString() === me) throw new ForbiddenError('A second supervisor, not the author, approves a plan.');
  if (plan.inspectionType === '专项' && !plan.necessityNote?.trim()) throw new ValidationError({ necessityNote: 'plan.necessity_required' });
  // A 专项 plan's month runs from its approval; a 日常 plan keeps the annual deadline.
  const publicationDeadline = plan.inspectionType === '专项' ? specialPlanDeadline(now, timeZone) : plan.publicationDeadline;
  await Plan.updateOne({ _id: plan._id }, { $set: { approvedBy: actorRef(acting), approvedAt: now, publicationDeadline } });
  await recordAudit({ ...auditContext(acting), action: 'plan.approve', target: target(plan), after: { approvedAt: now.toISOString(), publicationDeadline: publicationDeadline.toISOString() } });
  return { ...plan, approvedBy: actorRef(acting), approvedAt: now, publicationDeadline } as PlanRecord;
}

export async function publishPlan(planKey: string, acting: Acting, now = new Date()): Promise<PlanRecord> {
  const plan = await currentPlan(planKey);
  assertManage(acting, plan.leadDepartment);
  if (plan.publishedAt) return plan;
  if (plan.inspectionType === '专项') {
    if (!plan.necessityNote?.trim()) throw new ValidationError({ necessityNote: 'plan.necessity_required' });
    if (!plan.approvedAt) throw new ConflictError('A 专项 plan is published only after a second supervisor approved it.');
  }
  await Plan.updateOne({ _id: plan._id }, { $set: { publishedAt: now, publishedBy: actorRef(acting) } });
  const late = now > plan.publicationDeadline;
  await recordAudit({ ...auditContext(acting), action: 'plan.publish', target: target(plan), after: { publishedAt: now.toISOString(), late } });
  await invalidatePublicCache(now); // 抽查计划公告
  return { ...plan, publishedAt: now, publishedBy: actorRef(acting) } as PlanRecord;
}

const NEXT: Record<PlanStatus, PlanStatus | null> = { 待执行: '执行中', 执行中: '已完成', 已完成: null };

/** 待执行 → 执行中 → 已完成, one step at a time, on the newest version. */
export async function advancePlanStatus(planKey: string, acting: Acting): Promise<PlanRecord> {
  const plan = await currentPlan(planKey);
  assertManage(acting, plan.leadDepartment);
  const next = NEXT[plan.status as PlanStatus];
  if (!next) throw new ConflictError('The plan is already 已完成.');
  if (!plan.publishedAt) throw new ConflictError('An unpublished plan cannot be carried out.');
  await Plan.updateOne({ _id: plan._id, status: plan.status }, { $set: { status: next } });
  await recordAudit({ ...auditContext(acting), action: 'plan.status', target: target(plan), before: { status: plan.status }, after: { status: next } });
  return { ...plan, status: next } as PlanRecord;
}
