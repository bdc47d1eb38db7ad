// Owns redoing a draw: only as a new recorded draw, asked for with a reason and approved by a
// second supervisor of the department. The approval announces a new attempt of the same slot
// (fresh sources: the drand round of a time after the approval) which the job then draws; the
// earlier draw is marked superseded when the redo completes, and both stay visible forever.
import mongoose from 'mongoose';
import { recordAudit } from '../audit/chain.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { DrawRun, RedoRequest, type DrawRunRecord } from '../../models/draw-run.js';
import type { AnnouncementRecord } from '../../models/announcement.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, isDuplicateKeyError } from '../errors.js';
import { assertManage, auditContext, userIdOf, type Acting } from './acting.js';
import { announceSlot } from './announce.js';
import type { DrawSettings } from './settings.js';
import { loadTask, taskTarget } from './tasks.js';

export interface RedoRequestView { key: string; reason: string; requestedBy: string; approvedBy: string | null }

const actorRef = (acting: Acting) => ({ kind: acting.actor.kind, label: acting.actor.label, ...(acting.actor.kind === 'user' ? { userId: acting.actor.userId } : {}) });

/** Asks for a redo of a completed (or failed) draw; the reason is required. */
export async function requestRedo(runKey: string, reason: string, acting: Acting, settings: DrawSettings): Promise<RedoRequestView> {
  if (!reason?.trim()) throw new ValidationError({ reason: 'redo.reason_required' }, 'A redo needs a reason.');
  const run = await DrawRun.findOne({ key: runKey }).lean<DrawRunRecord>();
  if (!run) throw new NotFoundError('No such draw.');
  const task = await loadTask(run.taskId);
  assertManage(acting, task.departmentCode);
  if (!userIdOf(acting)) throw new ForbiddenError('A redo is requested by a signed-in supervisor.');
  if (run.state === 'drawing') throw new ConflictError('The draw is still running.');
  if (run.supersededBy) throw new ConflictError('This draw was already redone; redo the latest one.');
  const attempt = run.attempt + 1;
  const key = `${task._id.toString()}|${run.slot.toISOString()}|${attempt}`;
  try {
    await RedoRequest.create({ key, taskId: task._id, slot: run.slot, attempt, reason: reason.trim(), requestedBy: actorRef(acting), requestedAt: settings.now() });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ConflictError('A redo of this draw was already requested.');
    throw error;
  }
  await recordAudit({ ...auditContext(acting), action: 'draw.redo_request', target: taskTarget(task), after: { run: runKey, redo: key, reason: reason.trim() } });
  await invalidatePublicCache(settings.now()); // the announcement shows the redo and its reason
  return { key, reason: reason.trim(), requestedBy: acting.actor.label, approvedBy: null };
}

/**
 * A second supervisor approves the redo: the new attempt is announced for `redoDelaySeconds`
 * from now. The requester cannot approve their own request.
 */
export async function approveRedo(requestKey: string, acting: Acting, settings: DrawSettings): Promise<AnnouncementRecord> {
  const request = await RedoRequest.findOne({ key: requestKey }).lean();
  if (!request) throw new NotFoundError('No such redo request.');
  const task = await loadTask(request.taskId);
  assertManage(acting, task.departmentCode);
  const me = userIdOf(acting);
  if (!me) throw new ForbiddenError('A redo is approved by a signed-in supervisor.');
  if (request.requestedBy?.userId?.toString() === me) throw new ForbiddenError('A second supervisor, not the one who asked for the redo, approves it.');
  if (!request.approvedAt) {
    const now = settings.now();
    await RedoRequest.updateOne({ key: requestKey, approvedAt: mongoose.trusted({ $exists: false }) }, { $set: { approvedBy: actorRef(acting), approvedAt: now } });
    await recordAudit({ ...auditContext(acting), action: 'draw.redo_approve', target: taskTarget(task), after: { redo: requestKey, reason: request.reason } });
  }
  const drawAt = new Date(settings.now().getTime() + settings.redoDelaySeconds * 1000);
  return announceSlot(task, request.slot, acting, settings, { attempt: request.attempt, drawAt, trigger: 'redo' });
}
