// Owns the rows of the announcements export: every published plan version (抽查计划, Plan with
// publishedAt), then every task announcement (抽查任务公告, Announcement: public from the moment
// it exists, before the draw), each in publication order. Read through cursors; a task
// announcement needs its task and plan, which are fetched per batch of announcements (never
// all at once), so memory stays bounded by the batch whatever the number of announcements.
import mongoose from 'mongoose';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { publishedAnnouncement } from '../plans/announce.js';
import { Department } from '../../models/department.js';
import { Plan, type PlanRecord } from '../../models/plan.js';
import { Task, type TaskRecord } from '../../models/task.js';
import type { AnnouncementRow } from './columns.js';
import type { ExportFilter } from './filters.js';

const t = mongoose.trusted;
const BATCH = 500;

/** Department code → name (a small collection, read once per export). */
export async function departmentNames(): Promise<Map<string, string>> {
  const rows = await Department.find({}, { code: 1, name: 1 }).lean<{ code: string; name: string }[]>();
  return new Map(rows.map((d) => [d.code, d.name]));
}

function departmentFilter(department: string, lead: string, participating: string) {
  return t({ $or: [{ [lead]: department }, { [participating]: department }] });
}

type PlanFields = Pick<PlanRecord, '_id' | 'planKey' | 'version' | 'year' | 'number' | 'name' | 'leadDepartment' | 'participatingDepartments' | 'inspectionType' | 'itemCodes' | 'publishedAt'>;

function planRow(plan: PlanFields, names: Map<string, string>): AnnouncementRow {
  return {
    kind: 'plan', id: `${plan.planKey}-v${plan.version}`, url: `/plan-announcements/${encodeURIComponent(plan.planKey)}`,
    year: plan.year, planNumber: plan.number, planName: plan.name, planVersion: plan.version,
    taskNumber: '', taskName: '', targeting: '', inspectionType: plan.inspectionType,
    departmentCode: plan.leadDepartment, departmentName: names.get(plan.leadDepartment) ?? plan.leadDepartment,
    participatingDepartments: plan.participatingDepartments ?? [], itemCodes: plan.itemCodes ?? [],
    publishedAt: (plan.publishedAt as Date).toISOString(), inspectionDate: '', drawAt: '', digest: '', attempt: null, phase: '',
    poolSize: null, poolDigest: '', randomSources: [], commitment: '',
  };
}

type TaskFields = Pick<TaskRecord, '_id' | 'number' | 'name' | 'planKey' | 'departmentCode' | 'participatingDepartments' | 'itemCodes' | 'targeting' | 'inspectionType' | 'inspectionDate'>;
type PlanNames = { number: string; name: string; year: number };

function taskRow(a: AnnouncementRecord, task: TaskFields | undefined, plan: PlanNames | undefined, names: Map<string, string>): AnnouncementRow {
  const announced = publishedAnnouncement(a); // the published text: what anyone can check the draw against
  const department = (a.phase === 'teams' ? a.teamDepartment : undefined) ?? task?.departmentCode ?? '';
  return {
    kind: 'task', id: a._id.toString(), url: `/announcements/${a.taskId.toString()}`,
    year: plan?.year ?? (task ? Number(task.inspectionDate.slice(0, 4)) : null),
    planNumber: plan?.number ?? '', planName: plan?.name ?? '', planVersion: null,
    taskNumber: task?.number ?? '', taskName: task?.name ?? '', targeting: task?.targeting ?? '', inspectionType: task?.inspectionType ?? '',
    departmentCode: department, departmentName: names.get(department) ?? department,
    participatingDepartments: task?.participatingDepartments ?? [], itemCodes: task?.itemCodes ?? [],
    publishedAt: a.announcedAt.toISOString(), inspectionDate: task?.inspectionDate ?? '', drawAt: a.drawAt.toISOString(),
    digest: a.digest, attempt: a.attempt, phase: a.phase ?? 'entities',
    poolSize: announced.pool.size, poolDigest: announced.pool.digest,
    randomSources: announced.randomness.entities, commitment: announced.randomness.commitment ?? '',
  };
}

async function* planRows(filter: ExportFilter, names: Map<string, string>): AsyncGenerator<AnnouncementRow> {
  const query: Record<string, unknown> = { publishedAt: t({ $exists: true }) };
  if (filter.year !== undefined) query.year = filter.year;
  const where = filter.department ? { ...query, ...departmentFilter(filter.department, 'leadDepartment', 'participatingDepartments') } : query;
  const cursor = Plan.find(where)
    .select('planKey version year number name leadDepartment participatingDepartments inspectionType itemCodes publishedAt')
    .sort({ publishedAt: 1, _id: 1 }).lean<PlanFields[]>().cursor({ batchSize: BATCH });
  for await (const plan of cursor) yield planRow(plan as unknown as PlanFields, names);
}

/** The latest published version's number and name of each plan key asked for. */
async function planNames(planKeys: string[]): Promise<Map<string, PlanNames>> {
  const plans = await Plan.find({ planKey: t({ $in: planKeys }), publishedAt: t({ $exists: true }) })
    .select('planKey version number name year').sort({ version: 1 }).lean<{ planKey: string; number: string; name: string; year: number }[]>();
  return new Map(plans.map((p) => [p.planKey, { number: p.number, name: p.name, year: p.year }])); // later versions win
}

/** Task ids the filter admits, or undefined for every task (no filter). */
async function taskIdsFor(filter: ExportFilter): Promise<mongoose.Types.ObjectId[] | undefined> {
  if (filter.year === undefined && !filter.department) return undefined;
  const query: Record<string, unknown> = {};
  if (filter.year !== undefined) {
    const keys = await Plan.distinct('planKey', { year: filter.year });
    query.planKey = t({ $in: keys });
  }
  const where = filter.department ? { ...query, ...departmentFilter(filter.department, 'departmentCode', 'participatingDepartments') } : query;
  return (await Task.find(where).select('_id').lean<{ _id: mongoose.Types.ObjectId }[]>()).map((task) => task._id);
}

async function* taskRows(filter: ExportFilter, names: Map<string, string>): AsyncGenerator<AnnouncementRow> {
  const ids = await taskIdsFor(filter);
  // _id order is announcement order (an announcement is inserted when it is made), and the _id
  // index serves it on every server.
  const cursor = Announcement.find(ids ? { taskId: t({ $in: ids }) } : {})
    .select('taskId slot attempt drawAt digest text phase teamDepartment announcedAt')
    .sort({ _id: 1 }).lean<AnnouncementRecord[]>().cursor({ batchSize: BATCH });
  let batch: AnnouncementRecord[] = [];
  const flush = async function* (): AsyncGenerator<AnnouncementRow> {
    const taskIds = [...new Set(batch.map((a) => a.taskId.toString()))];
    const tasks = await Task.find({ _id: t({ $in: taskIds }) })
      .select('number name planKey departmentCode participatingDepartments itemCodes targeting inspectionType inspectionDate').lean<TaskFields[]>();
    const taskById = new Map(tasks.map((task) => [task._id.toString(), task]));
    const plans = await planNames([...new Set(tasks.map((task) => task.planKey))]);
    for (const a of batch) {
      const task = taskById.get(a.taskId.toString());
      yield taskRow(a, task, task ? plans.get(task.planKey) : undefined, names);
    }
    batch = [];
  };
  for await (const a of cursor) {
    batch.push(a as unknown as AnnouncementRecord);
    if (batch.length >= BATCH) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** Every published plan version, then every task announcement, matching the filter. */
export async function* announcementRows(filter: ExportFilter): AsyncGenerator<AnnouncementRow> {
  const names = await departmentNames();
  yield* planRows(filter, names);
  yield* taskRows(filter, names);
}
