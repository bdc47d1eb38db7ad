// Owns turning a locked draw into inspections: one per drawn entity and team, under the id
// "<run key>|<credit code>", inserted unordered so that running it again (after a crash, or
// from the sweep) adds only what is missing. A task's own draw makes them when it is locked; a
// joint task's department team draws make theirs once the entity draw is locked and the
// department's teams are drawn (whichever comes last calls this).
import mongoose from 'mongoose';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, DrawnEntity, type DrawRunRecord } from '../../models/draw-run.js';
import { Inspection } from '../../models/inspection.js';
import { MarketEntity } from '../../models/market-entity.js';
import { publishedAnnouncement } from '../plans/announce.js';
import { auditContext, SYSTEM } from '../plans/acting.js';
import { recordAuditOnce } from '../audit/chain.js';
import { loadTask, taskTarget } from '../plans/tasks.js';

interface TeamRow { creditCode: string; name: string; team: string[] }

/** Creates the inspections of a completed draw whose entity list is locked; returns how many are new. */
export async function createInspectionsForRun(runKey: string): Promise<number> {
  const run = await DrawRun.findOne({ key: runKey }).select('-randomness').lean<DrawRunRecord>();
  if (!run || run.state !== 'complete' || run.supersededBy) return 0;
  const a = await Announcement.findById(run.announcementId).lean<AnnouncementRecord>();
  if (!a) return 0;
  const isTeams = a.phase === 'teams' && Boolean(a.entityRunKey && a.teamDepartment);
  const entityRunKey = isTeams ? (a.entityRunKey as string) : runKey;
  const entityRun = entityRunKey === runKey ? run : await DrawRun.findOne({ key: entityRunKey }).select('lockedAt supersededBy').lean<DrawRunRecord>();
  if (!entityRun?.lockedAt || entityRun.supersededBy) return 0;
  const task = await loadTask(run.taskId);
  // A joint task's entity draw has no teams: each department's team draw makes its inspections.
  if (!isTeams && task.joint) return 0;
  const departmentCode = isTeams ? (a.teamDepartment as string) : task.departmentCode;
  const rows = await DrawnEntity.find({ runKey, role: isTeams ? 'team' : 'selected' }).sort({ order: 1 })
    .select('creditCode name team -_id').lean<TeamRow[]>();
  const addresses = new Map((await MarketEntity.find({ creditCode: mongoose.trusted({ $in: rows.map((r) => r.creditCode) }) }).select('creditCode address -_id')
    .lean<{ creditCode: string; address?: string }[]>()).map((e) => [e.creditCode, e.address ?? '']));
  const inspectionDate = publishedAnnouncement(a).inspectionDate;
  const docs = rows.map((row) => ({
    _id: `${runKey}|${row.creditCode}`, runKey, entityRunKey, taskId: task._id, taskNumber: task.number, taskName: task.name,
    planKey: task.planKey, departmentCode, inspectionType: task.inspectionType, year: Number(inspectionDate.slice(0, 4)),
    creditCode: row.creditCode, entityName: row.name, entityAddress: addresses.get(row.creditCode) ?? '', itemCodes: task.itemCodes ?? [],
    team: row.team, inspectionDate, dueOn: task.periodEnd ?? inspectionDate, state: 'assigned', version: 0, revision: 0, visit: 1,
    findings: [], confirmations: [], reviews: [], corrections: [], recusals: [], outbox: [], abnormalListHandoff: false,
    createdAt: new Date(), updatedAt: new Date(),
  }));
  let created = 0;
  for (let start = 0; start < docs.length; start += 500) {
    const slice = docs.slice(start, start + 500);
    try {
      await Inspection.collection.insertMany(slice as never[], { ordered: false });
      created += slice.length;
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code: number }[] | { code: number } }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (list.length === 0 || list.some((w) => w.code !== 11000)) throw error;
      created += slice.length - list.length; // the others exist already (same ids, same content)
    }
  }
  if (docs.length > 0) {
    await recordAuditOnce(`${runKey}#inspections`, {
      ...auditContext(SYSTEM), action: 'inspection.create', target: taskTarget(task), after: { run: runKey, department: departmentCode, inspections: docs.length },
    });
  }
  return created;
}

/** After a lock: the inspections of the run, or of a joint task's completed department team draws. */
export async function createInspectionsAfterLock(runKey: string): Promise<number> {
  let created = await createInspectionsForRun(runKey);
  const teamAnnouncements = await Announcement.find({ entityRunKey: runKey, phase: 'teams' }).select('_id').lean<{ _id: mongoose.Types.ObjectId }[]>();
  for (const t of teamAnnouncements) {
    const teamRun = await DrawRun.findOne({ announcementId: t._id, state: 'complete' }).select('key').lean<{ key: string }>();
    if (teamRun) created += await createInspectionsForRun(teamRun.key);
  }
  return created;
}

/** The runs whose inspections may be missing: locked entity draws and their departments' team draws. */
export async function createMissingInspections(): Promise<number> {
  const locked = await DrawRun.find({ state: 'complete', lockedAt: mongoose.trusted({ $type: 'date' }) }).select('key').lean<{ key: string }[]>();
  let created = 0;
  for (const { key } of locked) {
    const expected = await DrawnEntity.countDocuments({ runKey: key, role: 'selected' });
    const have = await Inspection.countDocuments({ entityRunKey: key });
    if (have < expected || expected === 0) created += await createInspectionsAfterLock(key);
  }
  return created;
}
