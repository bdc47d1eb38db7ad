// Shared by the plan and task pages: the Acting of the signed-in user, the scope rule for
// reading a plan, and list fields typed as "a, b、c". (A use case's field codes reach the form
// through onForm, server/http/forms.ts.)
import type { Request } from 'express';
import type { CurrentUser } from '../auth/session.js';
import { readsAllDepartments } from '../access/scope.js';
import { NotFoundError } from '../errors.js';
import { actingOf, type Acting } from '../plans/acting.js';
import type { PlanRecord } from '../../models/plan.js';

export function viewer(req: Request): CurrentUser {
  return req.user as CurrentUser;
}

export function actingFor(req: Request): Acting {
  const user = viewer(req);
  return actingOf({ id: user.id, username: user.username, role: user.role, departmentCode: user.departmentCode }, String(req.id ?? ''));
}

/** Admins and observers read every plan; a supervisor their department's and those they take part in (else 404). */
export function assertPlanReadable(req: Request, plan: Pick<PlanRecord, 'leadDepartment' | 'participatingDepartments'>): void {
  const user = viewer(req);
  if (readsAllDepartments(user.role)) return;
  if (plan.leadDepartment === user.departmentCode || (plan.participatingDepartments ?? []).includes(user.departmentCode)) return;
  throw new NotFoundError('No such plan in your department.');
}

/** "A, B、C；D" → ['A','B','C','D'] (commas, Chinese enumeration commas, semicolons, spaces). */
export function listOf(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,，、;；]+/u).map((s) => s.trim()).filter(Boolean);
}

/** A checkbox group's value: one string, several, or none. */
export function many(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

