// Owns the result of a draw as people use it: the drawn list (entities, alternates, teams),
// who may read it (anyone once the task publishes it; before that the supervisors of the task's
// departments, and an inspector only the rows of their own teams) with every view of an
// unpublished list audited; CSV and XLSX exports (same rule, also audited); lock and dispatch
// to the departments; and the full record for verification.
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { recordAudit, recordAuditOnce } from '../audit/chain.js';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, DrawnEntity, type DrawRunRecord } from '../../models/draw-run.js';
import type { TaskRecord } from '../../models/task.js';
import type { DrawRecord } from '../draw/index.js';
import { csvLines, EXCEL_UTF8_BOM } from '../text/csv.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { assertManage, auditContext, canRead, type Acting } from './acting.js';
import { createInspectionsAfterLock } from '../inspections/create.js';
import { withRecusalClaims } from '../inspections/recusal.js';
import { computeRecord, recordSha256, runRandomness } from './draws.js';
import type { DrawSettings } from './settings.js';
import { loadTask, taskTarget } from './tasks.js';

export interface DrawnRow { creditCode: string; name: string; stratumId: string; role: 'selected' | 'alternate'; order: number; team: string[] }
export interface DrawnList { run: DrawRunRecord; task: Pick<TaskRecord, 'number' | 'name' | 'publishList' | 'departmentCode'>; rows: DrawnRow[]; published: boolean }

async function loadRun(runKey: string): Promise<{ run: DrawRunRecord; task: TaskRecord }> {
  const run = await DrawRun.findOne({ key: runKey }).select('-randomness').lean<DrawRunRecord>();
  if (!run) throw new NotFoundError('No such draw.');
  return { run, task: await loadTask(run.taskId) };
}

/**
 * The drawn list of a completed draw, for `acting`. Published lists are public; an unpublished
 * one is for the task's supervisors (an inspector sees only their own teams' rows), and each
 * such view is audited with `purpose` ('view', 'csv', 'xlsx', 'print').
 */
export async function viewDrawnList(runKey: string, acting: Acting | null, purpose = 'view'): Promise<DrawnList> {
  const { run, task } = await loadRun(runKey);
  if (run.state !== 'complete') throw new ConflictError('The draw is not complete.');
  const published = Boolean(task.publishList);
  let filter: Record<string, unknown> = { runKey };
  if (!published) {
    if (!acting) throw new ForbiddenError('This drawn list is not published.');
    if (acting.role === 'inspector') {
      if (!acting.inspectorId) throw new ForbiddenError('This drawn list is not published.');
      filter = { runKey, team: acting.inspectorId };
    } else if (acting.role === 'admin' || !canRead(acting, task)) throw new ForbiddenError('This drawn list is not published.'); // admins read tasks, not unpublished lists
  }
  const rows = await DrawnEntity.find(filter).sort({ order: 1 }).select('creditCode name stratumId role order team -_id').lean<DrawnRow[]>();
  if (!published && acting) {
    await recordAudit({ ...auditContext(acting), action: 'draw.list_view', target: taskTarget(task), after: { run: runKey, purpose, rows: rows.length } });
  }
  return { run, task: { number: task.number, name: task.name, publishList: task.publishList, departmentCode: task.departmentCode }, rows, published };
}

const HEADER = ['序号', '统一社会信用代码', '名称', '分层', '类别', '检查组'];
const ROLE = { selected: '抽中', alternate: '备选' } as const;
const cells = (r: DrawnRow, i: number) => [String(i + 1), r.creditCode, r.name, r.stratumId, ROLE[r.role], r.team.join('、')];

/** The drawn list as CSV (UTF-8 with BOM, for Excel), through the one CSV writer. */
export async function drawnListCsv(runKey: string, acting: Acting | null): Promise<{ fileName: string; body: string }> {
  const list = await viewDrawnList(runKey, acting, 'csv');
  return { fileName: `${list.task.number}-${list.run.attempt}.csv`, body: EXCEL_UTF8_BOM + csvLines([HEADER, ...list.rows.map(cells)]) };
}

/** The drawn list as XLSX. */
export async function drawnListXlsx(runKey: string, acting: Acting | null): Promise<{ fileName: string; body: Buffer }> {
  const list = await viewDrawnList(runKey, acting, 'xlsx');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('抽取名单');
  sheet.addRow([`${list.task.number} ${list.task.name}`]);
  sheet.addRow(HEADER);
  // Strings throughout (exceljs writes them as text): a credit code never becomes a number.
  for (const [i, r] of list.rows.entries()) sheet.addRow(cells(r, i));
  return { fileName: `${list.task.number}-${list.run.attempt}.xlsx`, body: Buffer.from(await book.xlsx.writeBuffer()) };
}

/**
 * The draws of a task whose drawn lists are published, for anyone: every announcement (its
 * digest and text as published) and every draw, superseded ones included — a redo never hides
 * the draw it replaced. Null when the task does not publish its lists.
 */
export async function publicTaskDraws(taskId: string): Promise<null | { task: Pick<TaskRecord, 'number' | 'name'>; announcements: Array<{ key: string; digest: string; text: string; drawAt: Date; attempt: number }>; runs: Array<Pick<DrawRunRecord, 'key' | 'attempt' | 'state' | 'completedAt' | 'supersededBy' | 'recordSha256'>> }> {
  const task = await loadTask(taskId);
  if (!task.publishList) return null;
  const [announcements, runs] = await Promise.all([
    Announcement.find({ taskId: task._id }).select('key digest text drawAt attempt -_id').sort({ slot: 1, attempt: 1 }).lean<Array<{ key: string; digest: string; text: string; drawAt: Date; attempt: number }>>(),
    DrawRun.find({ taskId: task._id }).select('key attempt state completedAt supersededBy recordSha256 -_id').sort({ slot: 1, attempt: 1 }).lean<Array<Pick<DrawRunRecord, 'key' | 'attempt' | 'state' | 'completedAt' | 'supersededBy' | 'recordSha256'>>>(),
  ]);
  return { task: { number: task.number, name: task.name }, announcements, runs };
}

/** Locks the list (the supervisor confirms it; required before dispatch). */
export async function lockDraw(runKey: string, acting: Acting, settings: DrawSettings): Promise<void> {
  const { run, task } = await loadRun(runKey);
  assertManage(acting, task.departmentCode);
  if (run.state !== 'complete' || run.supersededBy) throw new ConflictError('Only the effective, complete draw is locked.');
  if (!run.lockedAt) {
    await DrawRun.updateOne({ key: runKey, lockedAt: mongoose.trusted({ $exists: false }) }, { $set: { lockedAt: settings.now(), lockedBy: { kind: acting.actor.kind, label: acting.actor.label } } });
    await recordAuditOnce(`${runKey}#lock`, { ...auditContext(acting), action: 'draw.lock', target: taskTarget(task), after: { run: runKey } });
  }
  // The locked list is where inspections begin; also after a crash between the lock and them.
  await createInspectionsAfterLock(runKey);
}

/** Dispatches a locked list to the task's departments (分派). */
export async function dispatchDraw(runKey: string, acting: Acting, settings: DrawSettings): Promise<string[]> {
  const { run, task } = await loadRun(runKey);
  assertManage(acting, task.departmentCode);
  if (!run.lockedAt) throw new ConflictError('Lock the drawn list before dispatching it.');
  const departments = [task.departmentCode, ...(task.participatingDepartments ?? [])];
  if (run.dispatchedAt) return run.dispatchedTo ?? departments;
  await DrawRun.updateOne({ key: runKey }, { $set: { dispatchedAt: settings.now(), dispatchedTo: departments } });
  await recordAudit({ ...auditContext(acting), action: 'draw.dispatch', target: taskTarget(task), after: { run: runKey, departments } });
  return departments;
}

/**
 * The full ssj-draw/2 record of a draw (for `npm run verify-draw` and /verify), rebuilt from the
 * announcement, its chunks and the claimed values, and checked against the stored digest.
 * Same access rule as the list.
 */
export async function drawRecord(runKey: string, acting: Acting | null): Promise<{ record: DrawRecord; announcementDigest: string }> {
  await viewDrawnList(runKey, acting, 'record');
  const run = (await DrawRun.findOne({ key: runKey }).lean<DrawRunRecord>())!;
  const a = (await Announcement.findById(run.announcementId).lean<AnnouncementRecord>())!;
  const { record: drawn } = await computeRecord(a, runRandomness(run));
  if (recordSha256(drawn) !== run.recordSha256) throw new Error(`draw ${runKey}: the recomputed record differs from the stored digest`);
  // Recusals after the draw are part of the record (DRAW-SPEC §8): replayed, each verified.
  const { record } = await withRecusalClaims(runKey, drawn);
  return { record, announcementDigest: a.digest };
}
