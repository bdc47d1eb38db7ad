// Owns what the public sees of plans and task announcements: 抽查计划公告 (every published
// version of every plan — an amendment is published as a new version and the earlier ones stay
// listed) and the newest task announcements for the home page. Only published plan versions
// and announced tasks appear; drafts, unapproved 专项 plans and the authors' names never do.
import mongoose from 'mongoose';
import { Announcement } from '../../models/announcement.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Plan, type PlanRecord } from '../../models/plan.js';
import { Task } from '../../models/task.js';
import { departmentNames } from '../rosters/public-inspectors.js';

const t = mongoose.trusted;
/** Published plan versions, newest publication first (exported for the query catalogue). */
export const PUBLISHED_PLAN_FILTER = Object.freeze({ publishedAt: t({ $exists: true }) });
const PLAN_KEY = /^[0-9a-f]{24}$/;

export interface PublicPlanVersion {
  planKey: string; version: number; year: number; number: string; name: string;
  leadDepartment: string; participatingDepartments: string[]; inspectionType: string;
  items: { code: string; name: string }[]; scope: string;
  ratios: { label: string; percent: string }[]; batches: { name: string; period: string }[];
  status: string; necessityNote: string; amendmentReason: string;
  publishedAt: Date; publicationDeadline: Date; late: boolean;
}

function percent(ppm: number | null | undefined): string {
  return ppm === null || ppm === undefined ? '' : `${(ppm / 10_000).toLocaleString('en-US', { maximumFractionDigits: 4 })}%`;
}

function versionOf(plan: PlanRecord, departments: Map<string, string>, items: Map<string, string>): PublicPlanVersion {
  const name = (code: string) => departments.get(code) ?? code;
  return {
    planKey: plan.planKey, version: plan.version, year: plan.year, number: plan.number, name: plan.name,
    leadDepartment: name(plan.leadDepartment), participatingDepartments: plan.participatingDepartments.map(name),
    inspectionType: plan.inspectionType, items: plan.itemCodes.map((code) => ({ code, name: items.get(code) ?? '' })), scope: plan.scope ?? '',
    ratios: plan.ratios.map((r) => ({ label: r.label ?? '', percent: percent(r.ratioPpm) })),
    batches: plan.batches.map((b) => ({ name: b.name ?? '', period: b.period ?? '' })),
    status: plan.status, necessityNote: plan.inspectionType === '专项' ? plan.necessityNote ?? '' : '', amendmentReason: plan.amendmentReason ?? '',
    publishedAt: plan.publishedAt!, publicationDeadline: plan.publicationDeadline, late: plan.publishedAt! > plan.publicationDeadline,
  };
}

async function itemNames(codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const items = await InspectionItem.find({ code: t({ $in: [...new Set(codes)] }) }).select('code name').lean<{ code: string; name: string }[]>();
  return new Map(items.map((i) => [i.code, i.name]));
}

/** Every plan with a published version: its newest published version and how many were published. */
export async function publishedPlans(): Promise<{ plan: PublicPlanVersion; versions: number }[]> {
  const rows = await Plan.find(PUBLISHED_PLAN_FILTER).sort({ publishedAt: -1, _id: -1 }).lean<PlanRecord[]>();
  const byKey = new Map<string, { newest: PlanRecord; versions: number }>();
  for (const row of rows) {
    const seen = byKey.get(row.planKey);
    if (!seen) byKey.set(row.planKey, { newest: row, versions: 1 });
    else {
      seen.versions += 1;
      if (row.version > seen.newest.version) seen.newest = row;
    }
  }
  const departments = await departmentNames();
  const items = await itemNames([...byKey.values()].flatMap((p) => p.newest.itemCodes));
  return [...byKey.values()]
    .map(({ newest, versions }) => ({ plan: versionOf(newest, departments, items), versions }))
    .sort((a, b) => b.plan.year - a.plan.year || b.plan.publishedAt.getTime() - a.plan.publishedAt.getTime());
}

/** Every published version of one plan, newest first; null when none is published. */
export async function publishedPlanVersions(planKey: string): Promise<PublicPlanVersion[] | null> {
  if (!PLAN_KEY.test(planKey)) return null;
  const rows = await Plan.find({ ...PUBLISHED_PLAN_FILTER, planKey }).sort({ version: -1 }).lean<PlanRecord[]>();
  if (rows.length === 0) return null;
  const [departments, items] = await Promise.all([departmentNames(), itemNames(rows.flatMap((r) => r.itemCodes))]);
  return rows.map((row) => versionOf(row, departments, items));
}

export interface LatestAnnouncement { taskId: string; number: string; name: string; departmentName: string; targeting: string; announcedAt: Date; drawAt: Date; drawn: boolean }

/** The newest task announcements (抽查任务公告), one line per task. */
export async function latestTaskAnnouncements(limit: number): Promise<LatestAnnouncement[]> {
  const rows = await Announcement.find({ phase: t({ $ne: 'teams' }) }).sort({ _id: -1 }).limit(limit * 3) // newest first: ids grow with insertion, and _id is indexed everywhere
    .select('taskId announcedAt drawAt drawnAt').lean<{ taskId: mongoose.Types.ObjectId; announcedAt: Date; drawAt: Date; drawnAt?: Date }[]>();
  const newest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!newest.has(String(row.taskId))) newest.set(String(row.taskId), row);
  const picked = [...newest.values()].slice(0, limit);
  if (picked.length === 0) return [];
  const [tasks, departments] = await Promise.all([
    Task.find({ _id: t({ $in: picked.map((r) => r.taskId) }) }).select('number name departmentCode targeting').lean<{ _id: mongoose.Types.ObjectId; number: string; name: string; departmentCode: string; targeting: string }[]>(),
    departmentNames(),
  ]);
  const byId = new Map(tasks.map((task) => [String(task._id), task]));
  return picked.flatMap((row) => {
    const task = byId.get(String(row.taskId));
    if (!task) return [];
    return [{ taskId: String(row.taskId), number: task.number, name: task.name, departmentName: departments.get(task.departmentCode) ?? task.departmentCode, targeting: task.targeting, announcedAt: row.announcedAt, drawAt: row.drawAt, drawn: Boolean(row.drawnAt) }];
  });
}
