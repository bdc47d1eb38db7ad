// Owns the user use-cases shared by the admin pages, the account page, the create-admin CLI
// and the demo world: create, change or reset a password, enable/disable, change role and
// department. No req/res here; every change is written to the audit trail.
import type { Types } from 'mongoose';
import { Inspector } from '../../models/index.js';
import { User, type Role, type UserRecord } from '../../models/user.js';
import { Session } from '../../models/session.js';
import { AuditEvent } from '../../models/audit-event.js';
import { recordAudit } from '../audit/chain.js';
import { fieldChanges, recordChanges, type ChangeContext } from '../audit/changes.js';
import { isDuplicateKeyError, NotFoundError, ValidationError, type FieldErrors } from '../errors.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import {
  checkAssignment, checkNewUserFormat, normaliseUsername, objectIdOrUndefined, throwIfAny,
  type AssignmentInput, type CheckedAssignment, type NewUserInput,
} from './user-rules.js';

/** What pages, JSON and the session may know about a user: never the password hash. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
  inspectorId?: string | undefined;
  active: boolean;
  mustChangePassword: boolean;
  lastLoginAt?: Date | undefined;
  createdAt?: Date | undefined;
}

export type { ChangeContext };

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user._id.toString(),
    username: user.username,
    displayName: user.displayName,
    role: user.role as Role,
    departmentCode: user.departmentCode,
    inspectorId: user.inspectorId?.toString(),
    active: user.active,
    mustChangePassword: user.mustChangePassword,
    lastLoginAt: user.lastLoginAt ?? undefined,
    createdAt: (user as { createdAt?: Date }).createdAt,
  };
}

function summary(user: Pick<UserRecord, 'username' | 'displayName' | 'role' | 'departmentCode' | 'active'>, inspectorCode?: string) {
  return { username: user.username, displayName: user.displayName, role: user.role, departmentCode: user.departmentCode, inspector: inspectorCode ?? null, active: user.active };
}

async function loadUser(id: string): Promise<UserRecord> {
  const valid = objectIdOrUndefined(id);
  const user = valid ? await User.findById(valid).lean<UserRecord>() : null;
  if (!user) throw new NotFoundError('No such user.');
  return user;
}

/** The roster number (Inspector.inspectorId) of the user's linked inspector, or ''. */
export async function inspectorCodeOf(user: PublicUser): Promise<string> {
  if (!user.inspectorId) return '';
  return (await Inspector.findById(user.inspectorId, { inspectorId: 1 }).lean())?.inspectorId ?? '';
}

/** The user's last 50 audit records, newest first (the user page's history). */
export async function userHistory(id: string) {
  return AuditEvent.find({ 'target.type': 'user', 'target.id': id }).sort({ at: -1 }).limit(50).lean();
}

export async function findUser(id: string): Promise<PublicUser> {
  return toPublicUser(await loadUser(id));
}

/** Users sorted by department and username; a department code narrows the list. */
export async function listUsers(departmentCode?: string): Promise<PublicUser[]> {
  const filter = departmentCode ? { departmentCode } : {};
  const users = await User.find(filter).sort({ departmentCode: 1, username: 1 }).limit(2000).lean<UserRecord[]>();
  return users.map(toPublicUser);
}

async function linkInspector(userId: Types.ObjectId, checked: CheckedAssignment, previous?: Types.ObjectId | null): Promise<void> {
  if (previous && !(checked.inspector && previous.equals(checked.inspector._id))) {
    await Inspector.updateOne({ _id: previous, userId }, { $unset: { userId: 1 } });
  }
  if (checked.inspector) await Inspector.updateOne({ _id: checked.inspector._id }, { $set: { userId } });
}

export async function createUser(input: NewUserInput, context: ChangeContext & { mustChangePassword?: boolean }): Promise<PublicUser> {
  const fields: FieldErrors = {};
  checkNewUserFormat(input, fields);
  const checked = await checkAssignment(input, fields);
  throwIfAny(fields);
  const assignment = checked as CheckedAssignment;
  const username = normaliseUsername(input.username);
  let created;
  try {
    created = await User.create({
      username,
      displayName: input.displayName.trim(),
      role: assignment.role,
      departmentCode: assignment.departmentCode,
      inspectorId: assignment.inspector?._id,
      passwordHash: await hashPassword(input.password),
      mustChangePassword: context.mustChangePassword ?? false,
      passwordChangedAt: new Date(),
    });
  } catch (error) {
    // The unique indexes are the real guard against two admins racing for one name or link.
    if (!isDuplicateKeyError(error)) throw error;
    const taken = await User.exists({ username });
    throw new ValidationError(taken ? { username: 'username.taken' } : { inspectorCode: 'inspector.already_linked' });
  }
  await linkInspector(created._id, assignment);
  const user = created.toObject() as UserRecord;
  await recordAudit({
    ...context, action: 'user.create', target: userTarget(user),
    after: summary(user, assignment.inspector?.inspectorId),
  });
  return toPublicUser(user);
}

export type AdminInput = Pick<NewUserInput, 'username' | 'displayName' | 'departmentCode' | 'password' | 'passwordConfirm'>;

/** The first (or a recovery) administrator: what `npm run create-admin` calls. */
export async function createAdmin(input: AdminInput, actorLabel = 'create-admin'): Promise<PublicUser> {
  return createUser({ ...input, role: 'admin' }, { actor: { kind: 'cli', label: actorLabel } });
}

function userTarget(user: Pick<UserRecord, '_id' | 'username'>) {
  return { type: 'user', id: user._id.toString(), label: user.username };
}

/** Role, department and roster link. An administrator cannot change their own role. */
export async function updateAssignment(id: string, input: AssignmentInput, context: ChangeContext): Promise<PublicUser> {
  const user = await loadUser(id);
  const fields: FieldErrors = {};
  if (isSelf(context, user) && input.role !== user.role) fields.role = 'role.own';
  const checked = await checkAssignment(input, fields, user._id);
  throwIfAny(fields);
  const assignment = checked as CheckedAssignment;
  const previousCode = user.inspectorId ? (await Inspector.findById(user.inspectorId, { inspectorId: 1 }).lean())?.inspectorId : undefined;
  const update = assignment.inspector
    ? { $set: { role: assignment.role, departmentCode: assignment.departmentCode, inspectorId: assignment.inspector._id } }
    : { $set: { role: assignment.role, departmentCode: assignment.departmentCode }, $unset: { inspectorId: 1 } };
  try {
    await User.updateOne({ _id: user._id }, update);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ValidationError({ inspectorCode: 'inspector.already_linked' });
    throw error;
  }
  await linkInspector(user._id, assignment, user.inspectorId);
  const after = { ...user, role: assignment.role, departmentCode: assignment.departmentCode };
  const changes = fieldChanges(summary(user, previousCode), summary(after, assignment.inspector?.inspectorId));
  await recordChanges(context, 'user.update', userTarget(user), changes);
  return findUser(id);
}

function isSelf(context: ChangeContext, user: UserRecord): boolean {
  return context.actor.kind === 'user' && context.actor.userId.equals(user._id);
}

/** Ends every session of the user at once (authVersion also guards sessions created meanwhile). */
async function endSessions(userId: Types.ObjectId): Promise<void> {
  await Session.deleteMany({ userId });
}

export async function setActive(id: string, active: boolean, context: ChangeContext): Promise<PublicUser> {
  const user = await loadUser(id);
  if (isSelf(context, user)) throw new ValidationError({ _form: 'own_status' });
  if (user.active === active) return toPublicUser(user);
  await User.updateOne({ _id: user._id }, active ? { $set: { active } } : { $set: { active }, $inc: { authVersion: 1 } });
  if (!active) await endSessions(user._id);
  await recordChanges(context, active ? 'user.enable' : 'user.disable', userTarget(user), { active: { from: user.active, to: active } });
  return findUser(id);
}

/** An administrator sets a temporary password; the user must choose a new one at next login. */
export async function resetPassword(id: string, input: { password: string; passwordConfirm?: string | undefined }, context: ChangeContext): Promise<void> {
  const user = await loadUser(id);
  const fields: FieldErrors = {};
  const problem = passwordProblem(input.password, user.username);
  if (problem) fields.password = problem;
  else if (input.passwordConfirm !== undefined && input.passwordConfirm !== input.password) fields.passwordConfirm = 'password.mismatch';
  throwIfAny(fields);
  await User.updateOne(
    { _id: user._id },
    { $set: { passwordHash: await hashPassword(input.password), mustChangePassword: !isSelf(context, user), passwordChangedAt: new Date() }, $inc: { authVersion: 1 } },
  );
  await endSessions(user._id);
  await recordAudit({ ...context, action: 'user.password_reset', target: userTarget(user) });
}

/**
 * A signed-in user changes their own password. Returns the new authVersion, which the caller
 * stores in its regenerated session; every other session of the user has ended.
 */
export async function changeOwnPassword(
  id: string,
  input: { currentPassword: string; password: string; passwordConfirm: string },
  context: Omit<ChangeContext, 'actor'>,
): Promise<number> {
  const user = await loadUser(id);
  const fields: FieldErrors = {};
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) fields.currentPassword = 'password.current_wrong';
  const problem = passwordProblem(input.password, user.username);
  if (problem) fields.password = problem;
  else if (input.password === input.currentPassword) fields.password = 'password.unchanged';
  else if (input.passwordConfirm !== input.password) fields.passwordConfirm = 'password.mismatch';
  throwIfAny(fields);
  const authVersion = user.authVersion + 1;
  await User.updateOne(
    { _id: user._id },
    { $set: { passwordHash: await hashPassword(input.password), mustChangePassword: false, passwordChangedAt: new Date(), authVersion } },
  );
  // All sessions end, the current one too: the caller regenerates it (a fresh id) right after.
  await endSessions(user._id);
  await recordAudit({ ...context, actor: { kind: 'user', userId: user._id, label: user.username }, action: 'account.password_change', target: userTarget(user) });
  return authVersion;
}
