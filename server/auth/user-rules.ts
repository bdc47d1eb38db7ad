// Owns the validation of user fields shared by every way of creating or changing a user (admin
// pages, the create-admin CLI, demo users): field problems come back as i18n message keys, so
// forms translate them and the CLI prints them in the operator's language.
import { isValidObjectId, type Types } from 'mongoose';
import { Department, Inspector } from '../../models/index.js';
import { ROLES, USERNAME_PATTERN, type Role } from '../../models/user.js';
import { ValidationError, type FieldErrors } from '../errors.js';
import { passwordProblem } from './password.js';

export interface AssignmentInput {
  role: string;
  departmentCode: string;
  /** The roster number (Inspector.inspectorId, e.g. HJ00001); required for inspectors. */
  inspectorCode?: string | undefined;
}

export interface NewUserInput extends AssignmentInput {
  username: string;
  displayName: string;
  password: string;
  /** Repeat of the password when a person typed it (forms, interactive CLI). */
  passwordConfirm?: string | undefined;
}

export interface CheckedAssignment {
  role: Role;
  departmentCode: string;
  inspector?: { _id: Types.ObjectId; inspectorId: string; userId?: Types.ObjectId | null | undefined } | undefined;
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Format checks that need no database. Adds to `fields`. */
export function checkNewUserFormat(input: NewUserInput, fields: FieldErrors): void {
  const username = normaliseUsername(input.username);
  if (!username) fields.username = 'required';
  else if (!USERNAME_PATTERN.test(username)) fields.username = 'username.format';
  const displayName = input.displayName.trim();
  if (!displayName) fields.displayName = 'required';
  else if (displayName.length > 50) fields.displayName = 'display_name.too_long';
  const problem = passwordProblem(input.password, username);
  if (problem) fields.password = problem;
  else if (input.passwordConfirm !== undefined && input.passwordConfirm !== input.password) {
    fields.passwordConfirm = 'password.mismatch';
  }
}

/**
 * Checks role, department and roster link against the database. `forUserId` is the user being
 * changed (so that its own current link does not count as taken).
 */
export async function checkAssignment(
  input: AssignmentInput,
  fields: FieldErrors,
  forUserId?: Types.ObjectId,
): Promise<CheckedAssignment | undefined> {
  const role = input.role;
  if (!isRole(role)) fields.role = 'role.invalid';
  const departmentCode = input.departmentCode.trim();
  if (!departmentCode) fields.departmentCode = 'required';
  else if (!(await Department.exists({ code: departmentCode, active: true }))) fields.departmentCode = 'department.unknown';

  let inspector: CheckedAssignment['inspector'];
  const code = input.inspectorCode?.trim() ?? '';
  if (role === 'inspector') {
    if (!code) fields.inspectorCode = 'inspector.required';
    else {
      const found = await Inspector.findOne({ inspectorId: code }, { inspectorId: 1, userId: 1, departmentCode: 1 }).lean();
      if (!found) fields.inspectorCode = 'inspector.unknown';
      else if (found.userId && !(forUserId && found.userId.equals(forUserId))) fields.inspectorCode = 'inspector.already_linked';
      else if (departmentCode && found.departmentCode !== departmentCode) fields.departmentCode ??= 'inspector.department_mismatch';
      else inspector = found;
    }
  }
  if (Object.keys(fields).length > 0 || !isRole(role)) return undefined;
  return { role, departmentCode, inspector };
}

export function throwIfAny(fields: FieldErrors): void {
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}

/** Parses a route parameter as an ObjectId, or undefined (callers answer 404). */
export function objectIdOrUndefined(id: string): string | undefined {
  return isValidObjectId(id) && /^[0-9a-f]{24}$/i.test(id) ? id : undefined;
}
