// Owns who may see and do what with an inspection: an inspector sees and works only the
// inspections whose current team they are on; a supervisor of the owning department (the
// department that inspects, for a joint task its own team's) approves entry, reviews, publishes
// and follows up — but never approves or reviews an inspection they took part in; supervisors
// of a joint task's initiating department read their task's inspections. Nobody else.
import type { InspectionRecord } from '../../models/inspection.js';
import { ForbiddenError } from '../errors.js';
import type { Acting } from '../plans/acting.js';

type Scoped = Pick<InspectionRecord, 'team' | 'departmentCode' | 'checkIn' | 'recusals'>;

export function isOnTeam(acting: Acting, inspection: Pick<InspectionRecord, 'team'>): boolean {
  return acting.role === 'inspector' && Boolean(acting.inspectorId) && inspection.team.includes(acting.inspectorId as string);
}

/** Took part: on the team now or before a recusal, or present at the check-in. */
export function tookPart(acting: Acting, inspection: Scoped): boolean {
  const id = acting.inspectorId;
  if (!id) return false;
  return inspection.team.includes(id) || (inspection.checkIn?.inspectors ?? []).includes(id)
    || inspection.recusals.some((r) => r.inspectorId === id || r.replacement === id);
}

export function isOwningSupervisor(acting: Acting, inspection: Pick<InspectionRecord, 'departmentCode'>): boolean {
  return acting.role === 'supervisor' && acting.departmentCode === inspection.departmentCode;
}

export function canSee(acting: Acting, inspection: Scoped): boolean {
  return isOnTeam(acting, inspection) || isOwningSupervisor(acting, inspection) || acting.role === 'system';
}

export function assertSee(acting: Acting, inspection: Scoped): void {
  if (!canSee(acting, inspection)) throw new ForbiddenError('This inspection is not yours to see.').localized({ key: 'inspection.error.not_yours' });
}

export function assertTeam(acting: Acting, inspection: Scoped): void {
  if (!isOnTeam(acting, inspection)) throw new ForbiddenError('Only the inspection team may do this.').localized({ key: 'inspection.error.team_only' });
}

/** The owning department's supervisor who did not take part (approval, review, publication). */
export function assertIndependentSupervisor(acting: Acting, inspection: Scoped): void {
  if (acting.role === 'system') return;
  if (!isOwningSupervisor(acting, inspection)) throw new ForbiddenError('Only a supervisor of the inspecting department may do this.').localized({ key: 'inspection.error.supervisor_only' });
  if (tookPart(acting, inspection)) throw new ForbiddenError('Nobody decides on an inspection they took part in.').localized({ key: 'inspection.error.own_inspection' });
}
