// Owns 撤回公示: a supervisor of the department that published a result, who took no part in
// the inspection (the same independence as the review), takes it off every public page with a
// reason. It is a lifecycle transition (server/inspections/lifecycle.ts 'withdraw': the state
// stays, `withdrawal: { at, by, reason }` is set, the audit entry travels in the outbox), so the
// publication and its corrections stay on the record for supervisors; PUBLISHED_FILTER leaves it
// out of every public page, export and feed from then on.
import type { InspectionRecord } from '../../models/inspection.js';
import { ConflictError, ValidationError } from '../errors.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { assertIndependentSupervisor } from '../inspections/access.js';
import { applyTransition, loadInspection } from '../inspections/lifecycle.js';
import type { InspectionSettings } from '../inspections/settings.js';
import type { Acting } from '../plans/acting.js';

export const WITHDRAW_REASON_MAX = 2000;

export async function withdrawPublication(id: string, input: { reason: string }, acting: Acting, settings: Pick<InspectionSettings, 'now'>): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  if ((inspection as { withdrawal?: unknown }).withdrawal) {
    throw new ConflictError('This result has already been withdrawn.').localized({ key: 'results.withdraw.already' }, 'already_withdrawn');
  }
  const reason = (input.reason ?? '').trim();
  if (reason === '') throw new ValidationError({ reason: 'required' });
  if (reason.length > WITHDRAW_REASON_MAX) throw new ValidationError({ reason: 'too_long' }, undefined, { reason: { max: WITHDRAW_REASON_MAX } });
  const now = settings.now();
  const updated = await applyTransition(inspection, 'withdraw', {
    set: { withdrawal: { at: now, by: acting.actor, reason } },
    audit: { action: 'inspection.withdraw_publication', after: { reason } },
  }, acting, now);
  await invalidatePublicCache(now);
  return updated;
}
