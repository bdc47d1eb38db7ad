// Owns how an inspection changes state: which transitions exist, and the one way every use
// case applies one — a single conditional update of the inspection document (expected state
// and version in the filter, the new state, `version + 1` and the audit entries the change owes
// pushed onto `outbox`). Either the whole change is stored or none of it, so a process killed
// at any point leaves the old state or the new one; two people acting at once cannot both win.
// The outbox is then appended to the audit chain under each entry's own key (exactly once,
// even if the process dies between the update and the append: the sweep finishes the job).
// The conditional update is exclusive on MongoDB and mongo-java-server (one winner among
// concurrent writers: test/integration/db-capabilities.test.ts); FerretDB, a test server only,
// may let two simultaneous changes of one inspection both pass — their audit entries still
// count once, since the entry's key is the version it creates.
import mongoose from 'mongoose';
import { MarketEntity } from '../../models/market-entity.js';
import { recordAuditOnce } from '../audit/chain.js';
import { Inspection, type InspectionRecord, type InspectionState } from '../../models/inspection.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Acting } from '../plans/acting.js';

/** Every transition a use case may make, by name: from which states, to which state. */
export const TRANSITIONS = {
  approve: { from: ['assigned'], to: 'approved' },
  /** 即时 only (approval.ts): approved after the visit; the state stays, `approval.afterwards` says so. */
  approveAfterwards: { from: ['checked_in', 'findings_entered', 'submitted', 'returned', 'rejected', 'approved_for_publication', 'published', 'closed'], to: null },
  /** From 'assigned' only for 即时 (carried out first, approved afterwards; check-in.ts refuses the others). */
  checkIn: { from: ['assigned', 'approved', 'rejected'], to: 'checked_in' },
  enterFindings: { from: ['checked_in', 'findings_entered', 'returned'], to: 'findings_entered' },
  confirm: { from: ['findings_entered'], to: 'findings_entered' },
  submit: { from: ['findings_entered'], to: 'submitted' },
  return: { from: ['submitted'], to: 'returned' },
  reject: { from: ['submitted'], to: 'rejected' },
  approveForPublication: { from: ['submitted'], to: 'approved_for_publication' },
  publish: { from: ['approved_for_publication'], to: 'published' },
  correct: { from: ['published', 'closed'], to: null },
  followUp: { from: ['published'], to: null },
  close: { from: ['published'], to: 'closed' },
  recuse: { from: ['assigned', 'approved'], to: null },
  /** 撤回公示 (server/results/withdraw.ts): the state stays; `withdrawal` takes it off the public pages. */
  withdraw: { from: ['published', 'closed'], to: null },
} as const satisfies Record<string, { from: readonly InspectionState[]; to: InspectionState | null }>;
export type TransitionName = keyof typeof TRANSITIONS;

export interface AuditOwed {
  action: string;
  after?: Record<string, unknown>;
}

export interface Change {
  /** Fields to set (dotted paths allowed). */
  set?: Record<string, unknown>;
  /** Arrays to append to. */
  push?: Record<string, unknown>;
  audit: AuditOwed;
}

/** Loads an inspection or answers 404. */
export async function loadInspection(id: string): Promise<InspectionRecord> {
  const found = await Inspection.findById(id).lean<InspectionRecord>();
  if (!found) throw new NotFoundError('No such inspection.');
  return found;
}

/**
 * Applies `name` to the inspection as read (`current`): refused with 409 when it is no longer
 * in a state the transition starts from or someone changed it since it was read.
 */
export async function applyTransition(current: InspectionRecord, name: TransitionName, change: Change, acting: Acting, now: Date): Promise<InspectionRecord> {
  const transition = TRANSITIONS[name];
  if (!(transition.from as readonly string[]).includes(current.state)) {
    throw new ConflictError(`This inspection is ${current.state}; it cannot be changed that way now.`).localized({ key: 'inspection.error.state', params: { state: { key: `inspection.state.${current.state}` } } }, 'inspection_state');
  }
  const entry = {
    id: `${current._id}#${current.version + 1}`,
    action: change.audit.action,
    actor: acting.actor,
    requestId: acting.requestId,
    after: { inspection: current._id, creditCode: current.creditCode, ...(change.audit.after ?? {}) },
    at: now,
  };
  const set: Record<string, unknown> = { ...(change.set ?? {}), outboxPending: true };
  if (transition.to) set.state = transition.to;
  const push: Record<string, unknown> = { ...(change.push ?? {}), outbox: entry };
  const updated = await Inspection.findOneAndUpdate(
    { _id: current._id, version: current.version, state: current.state },
    { $set: set, $inc: { version: 1 }, $push: push },
    { returnDocument: 'after' },
  ).lean<InspectionRecord>();
  if (!updated) throw new ConflictError('Someone changed this inspection meanwhile; reload it and try again.').localized({ key: 'inspection.error.changed' }, 'inspection_changed');
  await flushOutbox(updated._id);
  return updated;
}

/**
 * Appends the inspection's owed audit entries to the chain (once each: keyed by entry id), then
 * empties the outbox if no change came in meanwhile (same version); otherwise goes round again
 * — the entries already appended are recognised by their keys.
 */
export async function flushOutbox(id: string): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    const doc = await Inspection.findById(id).select('outbox version taskNumber creditCode checkIn resultOn').lean<Pick<InspectionRecord, 'outbox' | 'version' | 'taskNumber' | 'creditCode' | 'checkIn' | 'resultOn'>>();
    if (!doc || doc.outbox.length === 0) return;
    for (const entry of doc.outbox) {
      const inspectedOn = entry.action === 'inspection.check_in' ? doc.checkIn?.day : entry.action === 'inspection.submit' ? doc.resultOn : undefined;
      if (inspectedOn) await markInspected(doc.creditCode, inspectedOn);
      await recordAuditOnce(entry.id, {
        actor: entry.actor as Acting['actor'], requestId: entry.requestId ?? undefined, action: entry.action, at: entry.at,
        target: { type: 'inspection', id, label: `${doc.taskNumber} ${String((entry.after as { creditCode?: string } | undefined)?.creditCode ?? '')}`.trim() },
        after: entry.after as Record<string, unknown>,
      });
    }
    const emptied = await Inspection.updateOne({ _id: id, version: doc.version }, { $set: { outbox: [] }, $unset: { outboxPending: '' } });
    if (emptied.matchedCount === 1) return;
  }
}

/**
 * The roster's "last inspected" day (the draw's repeat-inspection window reads it) moves to the
 * day of a check-in — or of the result, for a desk or data check — if that is later. Run with the
 * outbox, so a process killed after the change still does it, once (it only ever moves forward).
 */
async function markInspected(creditCode: string, day: string): Promise<void> {
  const date = new Date(`${day}T00:00:00Z`);
  await MarketEntity.updateOne(
    { creditCode, $or: [{ lastInspectedOn: null }, { lastInspectedOn: mongoose.trusted({ $lt: date }) }] }, // null also matches a missing day
    { $set: { lastInspectedOn: date } },
  );
}

/** Finishes the audit of changes whose process died before appending it (start-up and job). */
export async function flushPendingOutboxes(): Promise<number> {
  const pending = await Inspection.find({ outboxPending: true }).select('_id').lean<{ _id: string }[]>();
  for (const { _id } of pending) await flushOutbox(_id);
  return pending.length;
}
