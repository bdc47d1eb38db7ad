// Owns what a task page shows it is waiting for: why it cannot be drawn at all (plan not
// published, inspection type), the next slot, and for each pending announcement its time and
// each declared source's state with a reason code (drand not yet published, unreachable or
// badly signed, lottery not published, waiting for a second user or in mismatch), and each
// draw's state. Reads only: sources are not fetched here (the job does that; `fetch: true` lets
// a supervisor's "check now" ask the relays). What only a fetch learns — a relay down or lying —
// comes from the last saved check (server/plans/source-checks.ts), with its time.
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, type DrawRunRecord } from '../../models/draw-run.js';
import { assertRead, type Acting } from './acting.js';
import { nextTaskSlot } from './schedule.js';
import type { DrawSettings } from './settings.js';
import { lastChecks, reasonCode, sourceTypeOf, type ReasonCode, type SourceType } from './source-checks.js';
import { announcementSources, type SourceState } from './sources.js';
import { drawBlocker, loadTask } from './tasks.js';

/** A source as a page shows it: its state, its type and a reason code (catalogue key drawCheck.reason.<code>). */
export interface SourceView extends SourceState { type: SourceType; code: ReasonCode; checkedAt: Date | null }
export interface PendingDraw { announcementId: string; key: string; digest: string; drawAt: Date; due: boolean; sources: SourceView[]; checkedAt: Date | null; run: Pick<DrawRunRecord, 'key' | 'state'> | null }
export interface TaskStatusView { blocker: string | null; nextSlot: Date | null; pending: PendingDraw[]; waitingFor: string[] }

export async function taskStatus(taskId: string, acting: Acting, settings: DrawSettings, options: { fetch?: boolean } = {}): Promise<TaskStatusView> {
  const task = await loadTask(taskId);
  assertRead(acting, task);
  const now = settings.now();
  const blocker = await drawBlocker(task);
  const open = await Announcement.find({ taskId: task._id, drawnAt: null }).sort({ drawAt: 1 }).lean<AnnouncementRecord[]>();
  const checks = await lastChecks(open.map((a) => a._id));
  const pending: PendingDraw[] = [];
  const waitingFor: string[] = blocker ? [blocker] : [];
  for (const a of open) {
    const fetched = options.fetch === true && now >= a.drawAt;
    const report = await announcementSources(a, settings, { fetch: fetched });
    const run = await DrawRun.findOne({ key: a.key }).select('key state').lean<Pick<DrawRunRecord, 'key' | 'state'>>();
    const due = now >= a.drawAt;
    const check = checks.get(a._id.toString()) ?? null;
    const sources = report.sources.map((s): SourceView => {
      const type = sourceTypeOf(a, s.index);
      // A drand round not fetched here: what the last fetch found (lottery entries and the secret are read live).
      const saved = !fetched && type === 'drand' && s.state === 'waiting' ? check?.sources.find((c) => c.index === s.index) : undefined;
      if (saved) return { ...s, state: saved.state as SourceState['state'], reason: saved.detail ?? '', type, code: saved.code as ReasonCode, checkedAt: check!.at };
      return { ...s, type, code: reasonCode(type, s, { fetched, relays: settings.drandRelays.length }), checkedAt: fetched ? now : null };
    });
    pending.push({ announcementId: a._id.toString(), key: a.key, digest: a.digest, drawAt: a.drawAt, due, sources, checkedAt: check?.at ?? null, run });
    if (!due) waitingFor.push(`the draw time ${a.drawAt.toISOString()}`);
    for (const s of sources) if (s.state !== 'ready' && (due || s.state === 'mismatch')) waitingFor.push(`${s.description}: ${s.reason}`);
  }
  return { blocker, nextSlot: nextTaskSlot(task.schedule, now, settings.timeZone), pending, waitingFor };
}
