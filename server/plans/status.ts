// Owns what a task page shows it is waiting for: why it cannot be drawn at all (plan not
// published, inspection type), the next slot, and for each pending announcement its time and
// each declared source's state and reason (drand not yet published or badly signed, lottery
// waiting for a second user or in mismatch), and each draw's state. Reads only (sources are not
// fetched here: the job does that; `fetch: true` lets a supervisor's "check now" ask the relays).
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, type DrawRunRecord } from '../../models/draw-run.js';
import { assertRead, type Acting } from './acting.js';
import { nextTaskSlot } from './schedule.js';
import type { DrawSettings } from './settings.js';
import { announcementSources, type SourceState } from './sources.js';
import { drawBlocker, loadTask } from './tasks.js';

export interface PendingDraw { announcementId: string; key: string; digest: string; drawAt: Date; due: boolean; sources: SourceState[]; run: Pick<DrawRunRecord, 'key' | 'state'> | null }
export interface TaskStatusView { blocker: string | null; nextSlot: Date | null; pending: PendingDraw[]; waitingFor: string[] }

export async function taskStatus(taskId: string, acting: Acting, settings: DrawSettings, options: { fetch?: boolean } = {}): Promise<TaskStatusView> {
  const task = await loadTask(taskId);
  assertRead(acting, task);
  const now = settings.now();
  const blocker = await drawBlocker(task);
  const open = await Announcement.find({ taskId: task._id, drawnAt: null }).sort({ drawAt: 1 }).lean<AnnouncementRecord[]>();
  const pending: PendingDraw[] = [];
  const waitingFor: string[] = blocker ? [blocker] : [];
  for (const a of open) {
    const report = await announcementSources(a, settings, { fetch: options.fetch === true && now >= a.drawAt });
    const run = await DrawRun.findOne({ key: a.key }).select('key state').lean<Pick<DrawRunRecord, 'key' | 'state'>>();
    const due = now >= a.drawAt;
    pending.push({ announcementId: a._id.toString(), key: a.key, digest: a.digest, drawAt: a.drawAt, due, sources: report.sources, run });
    if (!due) waitingFor.push(`the draw time ${a.drawAt.toISOString()}`);
    for (const s of report.sources) if (s.state !== 'ready' && (due || s.state === 'mismatch')) waitingFor.push(`${s.description}: ${s.reason}`);
  }
  return { blocker, nextSlot: nextTaskSlot(task.schedule, now, settings.timeZone), pending, waitingFor };
}
