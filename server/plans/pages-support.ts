// Owns the one read the task pages need beyond the use cases: a task's public facts with every
// announcement (its published text and digest), every draw (state, record digest, supersession,
// lock/dispatch), every redo request and every lottery entry — read-only, no scope check. The
// callers decide who sees what: the public announcement page shows only the announcement and
// draw facts; the supervisors' task page calls getTask() (scope) before it.
import mongoose, { Types } from 'mongoose';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, LotteryEntry, RedoRequest, type DrawRunRecord } from '../../models/draw-run.js';
import { Task, type TaskRecord } from '../../models/task.js';
import { NotFoundError } from '../errors.js';

export interface TaskRecordView {
  task: TaskRecord;
  announcements: AnnouncementRecord[];
  runs: Array<Omit<DrawRunRecord, 'randomness'>>;
  redoRequests: Array<{ _id: Types.ObjectId; key: string; slot: Date; attempt: number; reason: string; requestedBy?: { label?: string | null; userId?: Types.ObjectId | null } | null; requestedAt: Date; approvedBy?: { label?: string | null } | null; approvedAt?: Date | null }>;
  lotteryEntries: Array<{ _id: Types.ObjectId; announcementId: Types.ObjectId; index: number; userId: Types.ObjectId; label: string; text: string; at: Date; withdrawnAt?: Date | null; withdrawReason?: string | null }>;
}

/** Everything recorded about a task's announcements and draws, oldest first. 404 for an unknown id. */
export async function taskRecordView(taskId: string): Promise<TaskRecordView> {
  const task = Types.ObjectId.isValid(taskId) ? await Task.findById(new Types.ObjectId(taskId)).lean<TaskRecord>() : null;
  if (!task) throw new NotFoundError('No such task.');
  const [announcements, runs, redoRequests] = await Promise.all([
    Announcement.find({ taskId: task._id }).sort({ slot: 1, attempt: 1 }).lean<AnnouncementRecord[]>(),
    DrawRun.find({ taskId: task._id }).select('-randomness').sort({ slot: 1, attempt: 1 }).lean<TaskRecordView['runs']>(),
    RedoRequest.find({ taskId: task._id }).sort({ requestedAt: 1 }).lean<TaskRecordView['redoRequests']>(),
  ]);
  const lotteryEntries = announcements.length === 0 ? [] : await LotteryEntry.find({ announcementId: mongoose.trusted({ $in: announcements.map((a) => a._id) }) }).sort({ at: 1 }).lean<TaskRecordView['lotteryEntries']>();
  return { task, announcements, runs, redoRequests, lotteryEntries };
}
