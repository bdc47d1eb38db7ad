// Owns how a use case records what it changed: who asks (ChangeContext, passed in by the route,
// the CLI or a job), the one field-diff of an edit, and the audit record written from it. Every
// use case that changes users, rosters or the catalogue calls recordChanges itself, so a change
// made outside HTTP leaves the same trace as one made on a page.
import type { AuditActor } from '../../models/audit-event.js';
import { recordAudit } from './chain.js';

/** Who is making a change, and the request it came with (none for the CLI and jobs). */
export interface ChangeContext {
  actor: AuditActor;
  requestId?: string | undefined;
}

/** Changed fields of an edit, each with its old and new value. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * The fields of `after` whose values differ from `before`, compared as JSON (so arrays and dates
 * work); a missing value, null and '' are the same "empty".
 */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key] ?? '') !== JSON.stringify(value ?? '')) changes[key] = { from: before[key] ?? null, to: value ?? null };
  }
  return changes;
}

export interface ChangeTarget {
  type: string;
  id: string;
  label?: string;
}

/** Writes one audit record for an edit's changes, or nothing when nothing changed. */
export async function recordChanges(context: ChangeContext, action: string, target: ChangeTarget, changes: FieldChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await recordAudit({
    actor: context.actor,
    requestId: context.requestId,
    action,
    target,
    before: Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.from])),
    after: Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.to])),
  });
}
