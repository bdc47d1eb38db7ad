// Owns department scoping: an administrator acts on every department and an observer (执法监督)
// reads every department; everyone else only their own. Routes call these per record, after the
// access table has admitted the role (which keeps observers to GET routes).
import { NotFoundError } from '../errors.js';
import type { CurrentUser } from '../auth/session.js';

/** Roles whose reads span every department: admins, and observers (who never act). */
export function readsAllDepartments(role: string): boolean {
  return role === 'admin' || role === 'observer';
}

/** The department a query must be narrowed to, or undefined for all departments (admins, observers). */
export function departmentScope(user: Pick<CurrentUser, 'role' | 'departmentCode'>): string | undefined {
  return readsAllDepartments(user.role) ? undefined : user.departmentCode;
}

export function inScope(user: Pick<CurrentUser, 'role' | 'departmentCode'>, departmentCode: string): boolean {
  const scope = departmentScope(user);
  return scope === undefined || scope === departmentCode;
}

/**
 * Throws 404 for a record outside the user's department: answering 403 would confirm to a
 * supervisor that the record exists elsewhere.
 */
export function assertInScope(user: Pick<CurrentUser, 'role' | 'departmentCode'>, departmentCode: string): void {
  if (!inScope(user, departmentCode)) throw new NotFoundError('No such record in your department.');
}
