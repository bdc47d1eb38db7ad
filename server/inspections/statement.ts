// Owns the entity's statement (陈述申辩) on the findings and how it holds up the review. Through its
// reply code (server/inspections/reply-code.ts) the entity reads the submitted findings and, within
// STATEMENT_WORKING_DAYS working days (config, default 5) of the submission, either states its case once
// per visit or declares that it will not; a reviewer (a supervisor of the department who took no
// part) must answer a statement in writing — accepted, or not accepted with reasons — and the
// publication says that a statement was made and how it was decided (review.ts publicationOf).
//
// The period and the review (what a regulator and a business both expect):
//  - The period runs from the day of the latest submission (期间开始的日不计算在内): the entity
//    comments on the findings that will be published; a result returned and resubmitted with
//    changed findings opens a fresh period. Only a submitted result can be commented on — while
//    the team corrects it there is nothing settled to answer.
//  - Return and reject are never held up: they do not publish anything.
//  - Approval for publication waits until the period has ended (the day after its last day),
//    unless the entity made a statement that has been answered, or declared it will not make
//    one: then there is nothing left to wait for. A statement still unanswered blocks approval
//    whatever the date. A business is never published over before its time to be heard is out;
//    the department loses at most STATEMENT_WORKING_DAYS of its 20 (PUBLISH_WITHIN_WORKING_DAYS),
//    and an entity that does not care can end the wait at once.
//  - One statement or waiver per visit (a rejected result is inspected again: a new visit, a new
//    reply code, a new statement). The team sees the statement and the answer on its page: a
//    statement is an answer to its findings, unlike the anonymous rating (rating.ts).
//
// Every change is one conditional update of the inspection (expected state and version, as in
// lifecycle.ts) carrying its audit entry in the outbox; statement changes leave the state as it is.
import { createHash } from 'node:crypto';
import { Inspection, type InspectionRecord, type InspectionState } from '../../models/inspection.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import { assertIndependentSupervisor } from './access.js';
import { flushOutbox, loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

export const STATEMENT_MAX = 4000;

/** Who acts through a reply code: the entity, never a person we know (no account, no address). */
export const ENTITY: Acting = { actor: { kind: 'system', label: 'entity (reply code)' }, role: 'system' };

export type StatementRecord = NonNullable<InspectionRecord['statement']>;
export type StatementDecision = 'accepted' | 'not_accepted';

/** The statement or waiver of the inspection's current visit, if any. */
export function statementOfVisit(inspection: Pick<InspectionRecord, 'statement' | 'visit' | 'revision'>): StatementRecord | null {
  const s = inspection.statement;
  // Of this visit and of the findings as they stand: new findings after a return are heard anew.
  return s?.kind && s.visit === (inspection.visit ?? 1) && (s.revision ?? inspection.revision) === inspection.revision ? s : null;
}

/**
 * The statement period of the latest submission: its last day (inclusive), or null before any
 * submission — and always null when the settings have no period (settings.ts statementWorkingDays).
 */
export async function statementPeriod(inspection: Pick<InspectionRecord, 'submittedAt'>, settings: InspectionSettings): Promise<{ from: string; until: string } | null> {
  if (!inspection.submittedAt || settings.statementWorkingDays === undefined) return null;
  const from = todayIn(settings.timeZone, inspection.submittedAt);
  const until = (await settings.calendar()).addWorkingDays(from, settings.statementWorkingDays);
  return { from, until };
}

const BEING_CORRECTED: readonly InspectionState[] = ['checked_in', 'findings_entered', 'returned', 'rejected'];

export type StatementStatus = 'not_submitted' | 'open' | 'closed' | 'stated' | 'answered' | 'waived';

/** Where the statement of the current visit stands (for the entity's page and the inspection page). */
export async function statementStatus(inspection: InspectionRecord, settings: InspectionSettings): Promise<{ status: StatementStatus; until?: string }> {
  const made = statementOfVisit(inspection);
  const period = await statementPeriod(inspection, settings);
  const until = period ? { until: period.until } : {};
  if (made?.kind === 'waived') return { status: 'waived', ...until };
  if (made) return { status: made.answer?.decision ? 'answered' : 'stated', ...until };
  // Before a submission, or while a returned result is corrected: a resubmission opens a new period.
  if (!period || BEING_CORRECTED.includes(inspection.state)) return { status: 'not_submitted' };
  const open = inspection.state === 'submitted' && todayIn(settings.timeZone, settings.now()) <= period.until;
  return { status: open ? 'open' : 'closed', ...until };
}

/** Refuses approval for publication while the entity may still be heard (review.ts calls this). */
export async function assertStatementSettled(inspection: InspectionRecord, settings: InspectionSettings): Promise<void> {
  const made = statementOfVisit(inspection);
  if (made?.kind === 'waived') return;
  if (made) {
    if (made.answer?.decision) return;
    throw new ConflictError('The entity made a statement; answer it before approving.').localized({ key: 'statement.error.unanswered' }, 'statement_unanswered');
  }
  const period = await statementPeriod(inspection, settings);
  if (period && todayIn(settings.timeZone, settings.now()) <= period.until) {
    throw new ConflictError(`The entity may state its case until ${period.until}.`).localized({ key: 'statement.error.periodOpen', params: { until: period.until } }, 'statement_period_open');
  }
}

/** What the publication says of the statement (no text: the entity's words are its own). */
export function publicationStatement(inspection: Pick<InspectionRecord, 'statement' | 'visit' | 'revision'>, timeZone: string): { made: boolean; decision?: StatementDecision; answeredOn?: string } {
  const made = statementOfVisit(inspection);
  if (made?.kind !== 'statement') return { made: false };
  const answer = made.answer?.decision ? { decision: made.answer.decision as StatementDecision, answeredOn: made.answer.at ? todayIn(timeZone, made.answer.at) : '' } : {};
  return { made: true, ...answer };
}

export interface StatementInput {
  /** 'statement': states its case (text required); 'waived': declares it will not. */
  kind: 'statement' | 'waived';
  text?: string;
}

/** The entity states its case (or waives it) on the inspection its reply code opened. */
export async function makeStatement(found: InspectionRecord, input: StatementInput, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(found._id);
  const now = settings.now();
  const made = statementOfVisit(inspection);
  if (made) {
    throw new ConflictError('A statement was already made for this visit.').localized({ key: `statement.error.already.${made.kind}`, params: { day: made.at ? todayIn(settings.timeZone, made.at) : '' } }, 'statement_made');
  }
  const period = await statementPeriod(inspection, settings);
  if (inspection.state !== 'submitted' || !period) {
    throw new ConflictError('The findings cannot be commented on now.').localized({ key: 'statement.error.notOpen' }, 'statement_not_open');
  }
  if (todayIn(settings.timeZone, now) > period.until) {
    throw new ConflictError(`The period ended on ${period.until}.`).localized({ key: 'statement.error.periodOver', params: { until: period.until } }, 'statement_period_over');
  }
  const text = input.kind === 'statement' ? (input.text ?? '').trim() : '';
  if (input.kind === 'statement' && text === '') throw new ValidationError({ statementText: 'required' });
  if (text.length > STATEMENT_MAX) throw new ValidationError({ statementText: 'too_long' }, undefined, { statementText: { max: STATEMENT_MAX } });
  const statement = { visit: inspection.visit ?? 1, kind: input.kind, text, at: now, revision: inspection.revision };
  // One made on earlier findings (or an earlier visit) is kept beside the new one.
  const earlier = inspection.statement?.kind ? { earlierStatements: [...(inspection.earlierStatements ?? []), inspection.statement] } : {};
  return applyStatementChange(inspection, ['submitted'], { statement, ...earlier }, {
    action: input.kind === 'statement' ? 'inspection.statement' : 'inspection.statement_waived',
    // The text is on the inspection; the trail binds it by its digest.
    after: { visit: statement.visit, revision: statement.revision, ...(text ? { textSha256: createHash('sha256').update(text).digest('hex'), length: text.length } : {}) },
  }, ENTITY, now);
}

/** The reviewer answers the statement: accepted, or not accepted with reasons. */
export async function answerStatement(id: string, input: { decision: string; reasons?: string }, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  const made = statementOfVisit(inspection);
  if (made?.kind !== 'statement' || made.answer?.decision) {
    throw new ConflictError('There is no statement to answer.').localized({ key: 'statement.error.nothingToAnswer' }, 'statement_nothing_to_answer');
  }
  const reasons = (input.reasons ?? '').trim();
  const errors: Record<string, string> = {};
  if (input.decision !== 'accepted' && input.decision !== 'not_accepted') errors.decision = 'invalid_choice';
  if (input.decision === 'not_accepted' && reasons === '') errors.reasons = 'required';
  if (reasons.length > STATEMENT_MAX) errors.reasons = 'too_long';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, undefined, { reasons: { max: STATEMENT_MAX } });
  const now = settings.now();
  const answer = { decision: input.decision, reasons, by: acting.actor, byInspectorId: acting.inspectorId, at: now };
  return applyStatementChange(inspection, ['submitted'], { 'statement.answer': answer }, {
    action: 'inspection.statement_answer', after: { visit: made.visit, decision: input.decision, reasons },
  }, acting, now);
}

/** One conditional update (state and version as read) with its audit entry in the outbox; the state stays. */
async function applyStatementChange(current: InspectionRecord, from: readonly InspectionState[], set: Record<string, unknown>, audit: { action: string; after: Record<string, unknown> }, acting: Acting, now: Date): Promise<InspectionRecord> {
  if (!from.includes(current.state)) {
    throw new ConflictError(`This inspection is ${current.state}.`).localized({ key: 'inspection.error.state', params: { state: { key: `inspection.state.${current.state}` } } }, 'inspection_state');
  }
  const entry = {
    id: `${current._id}#${current.version + 1}`, action: audit.action, actor: acting.actor, requestId: acting.requestId,
    after: { inspection: current._id, creditCode: current.creditCode, ...audit.after }, at: now,
  };
  const updated = await Inspection.findOneAndUpdate(
    { _id: current._id, version: current.version, state: current.state },
    { $set: { ...set, outboxPending: true }, $inc: { version: 1 }, $push: { outbox: entry } },
    { returnDocument: 'after' },
  ).lean<InspectionRecord>();
  if (!updated) throw new ConflictError('Someone changed this inspection meanwhile; reload it and try again.').localized({ key: 'inspection.error.changed' }, 'inspection_changed');
  await flushOutbox(updated._id);
  return updated;
}
