// Owns the review (审核 / 法制审核) and what follows it: a supervisor of the inspecting department
// who took no part approves (publishing at once or at a set time), returns with comments (the
// team corrects and resubmits) or rejects (the result does not stand: the team inspects again).
// Publication freezes what the public sees — task, entity, result and per item the result, no
// inspector names — and is never edited: a correction is a new, visible entry. Follow-up
// (后续处置) runs until a measure that closes the case; results 无法联系 and 隐瞒弄虚作假 are
// flagged for the 经营异常名录 hand-off.
import mongoose from 'mongoose';
import { Department } from '../../models/department.js';
import { DictionaryEntry } from '../../models/dictionary-entry.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Plan } from '../../models/plan.js';
import { Task } from '../../models/task.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { ConflictError, ValidationError } from '../errors.js';
import { SYSTEM, type Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { assertIndependentSupervisor } from './access.js';
import { awaitsApprovalAfterwards } from './approval.js';
import { applyTransition, loadInspection } from './lifecycle.js';
import { assertStatementSettled, publicationStatement } from './statement.js';
import type { InspectionSettings } from './settings.js';

export type ReviewDecision = 'approve' | 'return' | 'reject';

export interface ReviewInput {
  decision: ReviewDecision;
  comment?: string | undefined;
  /** Approve only: publish at this time (default: at once). */
  publishAt?: Date | undefined;
}

export async function reviewInspection(id: string, input: ReviewInput, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  const comment = (input.comment ?? '').trim();
  const now = settings.now();
  if (comment.length > 4000) throw new ValidationError({ comment: 'too_long' }, undefined, { comment: { max: 4000 } });
  if (input.decision !== 'approve' && comment === '') throw new ValidationError({ comment: 'review_comment_required' });
  if (input.publishAt && input.publishAt.getTime() < now.getTime() - 60_000) throw new ValidationError({ publishAt: 'date_in_past' });
  // Publication within 20 working days is the law (DOMAIN.md): a time after the due day is refused.
  if (input.decision === 'approve' && input.publishAt && inspection.publishDueOn && todayIn(settings.timeZone, input.publishAt) > inspection.publishDueOn) {
    throw new ValidationError({ publishAt: 'after_publish_due' }, undefined, { publishAt: { day: inspection.publishDueOn } });
  }
  const review = { decision: input.decision, comment, by: acting.actor, byInspectorId: acting.inspectorId, at: now, revision: inspection.revision, ...(input.publishAt ? { publishAt: input.publishAt } : {}) };
  if (input.decision === 'return') {
    return applyTransition(inspection, 'return', { push: { reviews: review }, audit: { action: 'inspection.return', after: { comment, revision: inspection.revision } } }, acting, now);
  }
  if (input.decision === 'reject') {
    return applyTransition(inspection, 'reject', { push: { reviews: review }, audit: { action: 'inspection.reject', after: { comment, revision: inspection.revision } } }, acting, now);
  }
  if (awaitsApprovalAfterwards(inspection)) {
    // An 即时 inspection carried out first is published only once someone has approved it afterwards.
    throw new ConflictError('This 即时 inspection awaits its approval afterwards.').localized({ key: 'inspection.error.approval_afterwards_first' }, 'approval_afterwards_pending');
  }
  await assertStatementSettled(inspection, settings); // the entity's time to be heard (statement.ts)
  const publishAt = input.publishAt && input.publishAt > now ? input.publishAt : now;
  const approved = await applyTransition(inspection, 'approveForPublication', {
    set: { publishAt }, push: { reviews: review },
    audit: { action: 'inspection.approve_publication', after: { revision: inspection.revision, publishAt } },
  }, acting, now);
  return publishAt <= now ? publish(approved, acting, settings) : approved;
}

/** What the public sees of a result, frozen at publication (labels included: dictionaries change). Exported for bench/public.bench.ts. */
export async function publicationOf(inspection: InspectionRecord, publishedAt: Date, settings: InspectionSettings) {
  const codes = [inspection.resultCategory, ...inspection.findings.map((f) => f.resultCategory)].filter((c): c is string => Boolean(c));
  const entries = await DictionaryEntry.find({ dictionary: 'result_category', code: mongoose.trusted({ $in: codes }) }).select('code label leadsToAbnormalList').lean<{ code: string; label: string; leadsToAbnormalList?: boolean }[]>();
  const label = new Map(entries.map((e) => [e.code, e.label]));
  // The national publicity fields (DOMAIN.md): plan and task number and name, 定向/不定向, the
  // inspecting authority, completion date and per item the result — no inspector, no follow-up.
  const [task, plan, department, items] = await Promise.all([
    Task.findById(inspection.taskId).select('targeting').lean<{ targeting?: string }>(),
    inspection.planKey ? Plan.findOne({ planKey: inspection.planKey, publishedAt: mongoose.trusted({ $exists: true }) }).sort({ version: -1 }).select('number name').lean<{ number: string; name: string }>() : null,
    Department.findOne({ code: inspection.departmentCode }).select('name').lean<{ name: string }>(),
    InspectionItem.find({ code: mongoose.trusted({ $in: inspection.findings.map((f) => f.itemCode) }) }).select('code name').lean<{ code: string; name: string }[]>(),
  ]);
  const itemName = new Map(items.map((i) => [i.code, i.name]));
  return {
    publication: {
      planNumber: plan?.number ?? '', planName: plan?.name ?? '',
      taskNumber: inspection.taskNumber, taskName: inspection.taskName, planKey: inspection.planKey, inspectionType: inspection.inspectionType,
      targeting: task?.targeting ?? '',
      departmentCode: inspection.departmentCode, departmentName: department?.name ?? inspection.departmentCode,
      creditCode: inspection.creditCode, entityName: inspection.entityName,
      resultCategory: inspection.resultCategory, resultLabel: label.get(inspection.resultCategory ?? '') ?? '',
      items: inspection.findings.map((f) => ({ itemCode: f.itemCode, itemName: itemName.get(f.itemCode) ?? '', resultCategory: f.resultCategory, resultLabel: label.get(f.resultCategory) ?? '' })),
      completedOn: inspection.resultOn, publishedOn: todayIn(settings.timeZone, publishedAt), publishDueOn: inspection.publishDueOn,
      statement: publicationStatement(inspection, settings.timeZone), // 陈述申辩: made or not, and how it was decided
    },
    abnormal: entries.some((e) => e.code === inspection.resultCategory && e.leadsToAbnormalList),
  };
}

async function publish(inspection: InspectionRecord, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const now = settings.now();
  const { publication, abnormal } = await publicationOf(inspection, now, settings);
  const published = await applyTransition(inspection, 'publish', {
    set: { publishedAt: now, publication, abnormalListHandoff: abnormal },
    audit: { action: 'inspection.publish', after: { resultCategory: inspection.resultCategory, publishedOn: publication.publishedOn, onTime: !inspection.publishDueOn || publication.publishedOn <= inspection.publishDueOn } },
  }, acting, now);
  await invalidatePublicCache(now); // the public pages show it from now on
  return published;
}

/** Publishes every approved result whose time has come (the job; also finishes a publication a crash cut short). */
export async function publishDue(settings: InspectionSettings): Promise<number> {
  const due = await Inspection.find({ state: 'approved_for_publication', publishAt: mongoose.trusted({ $lte: settings.now() }) }).select('_id').lean<{ _id: string }[]>();
  let published = 0;
  for (const { _id } of due) {
    const inspection = await loadInspection(_id);
    if (inspection.state !== 'approved_for_publication') continue;
    await publish(inspection, SYSTEM, settings).then(() => (published += 1), (error: unknown) => {
      if ((error as { status?: number }).status !== 409) throw error; // someone else published it meanwhile
    });
  }
  return published;
}

/** A correction of a published result: a new entry shown with it; the publication itself stays. */
export async function correctPublished(id: string, input: { reason: string; resultCategory: string }, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  if (inspection.withdrawal?.at) throw new ConflictError('This publication was withdrawn; it is not corrected.').localized({ key: 'inspection.error.withdrawn' }, 'publication_withdrawn');
  const reason = input.reason.trim();
  const category = await DictionaryEntry.findOne({ dictionary: 'result_category', code: input.resultCategory, active: true }).select('code label').lean<{ code: string; label: string }>();
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = 'required';
  else if (reason.length > 2000) errors.reason = 'too_long';
  if (!category) errors.resultCategory = 'invalid';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, undefined, { reason: { max: 2000 } });
  const now = settings.now();
  const changes = { resultCategory: { from: inspection.resultCategory, to: category!.code, label: category!.label } };
  const corrected = await applyTransition(inspection, 'correct', {
    push: { corrections: { at: now, by: acting.actor, reason, changes } },
    audit: { action: 'inspection.correct', after: { reason, ...changes } },
  }, acting, now);
  await invalidatePublicCache(now); // every public page shows the corrected result
  return corrected;
}

/** Records the follow-up measure; one that closes the case (无需后续处置) closes the inspection. */
export async function recordFollowUp(id: string, input: { measure: string; note?: string; close?: boolean }, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  const entry = await DictionaryEntry.findOne({ dictionary: 'follow_up', code: input.measure, active: true }).select('code closesCase').lean<{ code: string; closesCase?: boolean }>();
  if (!entry) throw new ValidationError({ measure: 'invalid' });
  const note = (input.note ?? '').trim();
  if (note.length > 2000) throw new ValidationError({ note: 'too_long' }, undefined, { note: { max: 2000 } });
  const now = settings.now();
  const closes = Boolean(entry.closesCase) || Boolean(input.close);
  return applyTransition(inspection, closes ? 'close' : 'followUp', {
    set: { followUp: { measure: entry.code, note, ...(closes ? { closedAt: now } : {}) } },
    audit: { action: closes ? 'inspection.close' : 'inspection.follow_up', after: { measure: entry.code, note } },
  }, acting, now);
}
