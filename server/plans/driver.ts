// Owns what the draw job does on each run, on every instance at once if need be:
//  1. completes draws left half-done by a crashed process (claims older than a minute; all of
//     them at start-up, when this process cannot be the one still drawing… and a duplicate
//     completion would be harmless anyway: it is deterministic and idempotent);
//  2. announces the next slot of every scheduled task that has none yet (the first instance to
//     insert the announcement wins; the others use it);
//  3. draws every announcement whose time has come and whose sources are available — including
//     a slot that passed while every instance was down (catch-up: once, its claim is unique).
// A slot that was never announced (the app was down before it) is never drawn: its random
// values existed before any announcement could bind them.
import mongoose from 'mongoose';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { Task, type TaskRecord, DRAWN_INSPECTION_TYPES } from '../../models/task.js';
import { SYSTEM } from './acting.js';
import { announcementKey, announceSlot, DrawBlockedError } from './announce.js';
import { drawAnnouncement, recoverDraws } from './draws.js';
import { nextTaskSlot } from './schedule.js';
import type { DrawSettings } from './settings.js';

export interface DriveReport { recovered: number; announced: string[]; drawn: string[]; waiting: Array<{ key: string; reason: string }>; problems: string[] }

const STALE_CLAIM_MS = 60_000;

export async function driveDraws(settings: DrawSettings, options: { startup?: boolean } = {}): Promise<DriveReport> {
  const report: DriveReport = { recovered: 0, announced: [], drawn: [], waiting: [], problems: [] };
  report.recovered = await recoverDraws(settings, options.startup ? 0 : STALE_CLAIM_MS);
  const now = settings.now();
  const tasks = await Task.find({
    status: mongoose.trusted({ $in: ['待抽取', '已抽取'] }), inspectionType: mongoose.trusted({ $in: DRAWN_INSPECTION_TYPES }),
    $or: [{ 'schedule.cron': mongoose.trusted({ $type: 'string' }) }, { 'schedule.at': mongoose.trusted({ $gt: now }) }],
  }).lean<TaskRecord[]>();
  for (const task of tasks) {
    const slot = nextTaskSlot(task.schedule, now, settings.timeZone);
    if (!slot) continue;
    const key = announcementKey(task._id.toString(), slot, 1);
    if (await Announcement.exists({ key })) continue;
    try {
      await announceSlot(task, slot, SYSTEM, settings, { trigger: 'schedule' });
      report.announced.push(key);
    } catch (error) {
      if (!(error instanceof DrawBlockedError)) throw error;
      report.problems.push(`${task.number}: ${error.message}`);
    }
  }
  const due = await Announcement.find({ drawnAt: null, drawAt: mongoose.trusted({ $lte: now }) }).select('-text').sort({ drawAt: 1 }).lean<AnnouncementRecord[]>();
  for (const head of due) {
    const a = (await Announcement.findById(head._id).lean<AnnouncementRecord>())!;
    const trigger = options.startup || now.getTime() - a.drawAt.getTime() > 5 * 60_000 ? 'catch-up' : 'schedule';
    const outcome = await drawAnnouncement(a, SYSTEM, settings, trigger);
    if (outcome.state === 'waiting') report.waiting.push({ key: a.key, reason: outcome.reason });
    else report.drawn.push(a.key);
  }
  return report;
}
