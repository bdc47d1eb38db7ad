// Owns the inspector draws of a joint task (部门联合抽查, "谁检查、谁录入、谁公开"): the initiating
// department draws the entities (an announcement without an inspector phase); then each
// participating department announces and draws its own teams for exactly those entities, from
// its own roster. Within ssj-draw/2 unchanged: the department's announcement freezes the drawn
// entities (copied from the entity announcement's pool) as its pool with one stratum taking all
// of them, and its own roster, sources and digest; the job draws it like any announcement.
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, DrawnEntity, type DrawRunRecord } from '../../models/draw-run.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { assertManage, type Acting } from './acting.js';
import { DrawBlockedError, freezeAndStore, loadChunks, publishedAnnouncement, type Gathered } from './announce.js';
import { readRoster, type PoolEntity } from './pool.js';
import type { DrawSettings } from './settings.js';
import { loadTask } from './tasks.js';

/**
 * Announces `department`'s team draw for the entities of a joint task's completed entity draw,
 * to be drawn at `drawAt` (default: `redoDelaySeconds` from now). Idempotent per department.
 */
export async function announceDepartmentTeams(runKey: string, department: string, acting: Acting, settings: DrawSettings, drawAt?: Date): Promise<AnnouncementRecord> {
  const run = await DrawRun.findOne({ key: runKey }).lean<DrawRunRecord>();
  if (!run) throw new NotFoundError('No such draw.');
  const task = await loadTask(run.taskId);
  if (!task.joint) throw new ConflictError('Only a joint task has department team draws.');
  if (department !== task.departmentCode && !(task.participatingDepartments ?? []).includes(department)) throw new ConflictError('This department does not take part in the task.');
  assertManage(acting, department);
  if (run.state !== 'complete' || run.supersededBy) throw new DrawBlockedError('The entities are not drawn yet (or the draw was redone).');
  const key = `${runKey}|teams|${department}`;
  const existing = await Announcement.findOne({ key }).lean<AnnouncementRecord>();
  if (existing) return existing;
  const a = (await Announcement.findById(run.announcementId).lean<AnnouncementRecord>())!;
  const selected = new Set((await DrawnEntity.find({ runKey, role: 'selected' }).select('creditCode').lean<{ creditCode: string }[]>()).map((r) => r.creditCode));
  const pool = (await loadChunks<PoolEntity>(a.digest, 'pool', a.poolChunks)).filter((e) => selected.has(e.creditCode));
  const roster = await readRoster([department], settings.timeZone);
  const spec = task.assignment;
  const g: Gathered = {
    taskId: `${task.number}/${run.slot.toISOString()}/${run.attempt}/teams/${department}`,
    inspectionDate: publishedAnnouncement(a).inspectionDate,
    pool, roster, atCap: [],
    strata: [{ id: 'drawn', where: {}, quota: { count: pool.length }, alternates: 0 }],
    assignment: { inspectors: roster, teamSize: spec?.teamSize ?? 2, maxAssignmentsPerInspector: spec?.maxAssignmentsPerInspector ?? pool.length, requiredQualifications: spec?.requiredQualifications ?? [], allowedDepartments: [department] },
  };
  const at = drawAt ?? new Date(settings.now().getTime() + settings.redoDelaySeconds * 1000);
  return freezeAndStore({ task, key, slot: run.slot, attempt: run.attempt, drawAt: at, g, repeatWindowDays: 0, trigger: 'teams', teams: { department, entityRunKey: runKey } }, acting, settings);
}
