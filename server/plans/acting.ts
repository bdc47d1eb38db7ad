// Owns who is acting in a plan/task/draw use case, and the scoping rules: a supervisor acts on
// their own department's plans and tasks; a joint task's participating departments may read it
// (and its drawn list); an admin reads every task and acts on none; the system (the draw job)
// acts on every task. Routes build an Acting
// from the signed-in user (actingOf), jobs use SYSTEM.
import { Types } from 'mongoose';
import type { AuditActor } from '../../models/audit-event.js';
import { ForbiddenError } from '../errors.js';

export interface Acting {
  actor: AuditActor;
  role: 'admin' | 'supervisor' | 'inspector' | 'observer' | 'system';
  departmentCode?: string | undefined;
  /** For an inspector: their roster id (they see the teams they are on). */
  inspectorId?: string | undefined;
  requestId?: string | undefined;
}

export const SYSTEM: Acting = { actor: { kind: 'system', label: 'draw-job' }, role: 'system' };

/** The Acting of a signed-in user (what a router passes). */
export function actingOf(user: { id: string; username: string; role: string; departmentCode: string; inspectorCode?: string | undefined }, requestId?: string): Acting {
  return {
    actor: { kind: 'user', userId: new Types.ObjectId(user.id), label: user.username },
    role: user.role as Acting['role'], departmentCode: user.departmentCode, inspectorId: user.inspectorCode, requestId,
  };
}

export function userIdOf(acting: Acting): string | null {
  return acting.actor.kind === 'user' ? acting.actor.userId.toString() : null;
}

interface Scoped { departmentCode: string; participatingDepartments?: string[] | null }

/** Manage = the owning department's supervisor (or the system). */
export function assertManage(acting: Acting, owner: string): void {
  if (acting.role === 'system') return;
  if (acting.role !== 'supervisor' || acting.departmentCode !== owner) throw new ForbiddenError('Only a supervisor of the owning department may do this.');
}

/**
 * Read = manage, or a supervisor of a participating department of a joint task; an admin reads
 * every department's tasks (read only: assertManage refuses them every action, and an
 * unpublished drawn list stays with the task's supervisors, server/plans/drawn-list.ts). An
 * observer (执法监督) reads every task and its drawn lists, each view audited, and acts on none.
 */
export function canRead(acting: Acting, task: Scoped): boolean {
  if (acting.role === 'system' || acting.role === 'admin' || acting.role === 'observer') return true;
  if (acting.role !== 'supervisor') return false;
  return acting.departmentCode === task.departmentCode || (task.participatingDepartments ?? []).includes(acting.departmentCode ?? '');
}

export function assertRead(acting: Acting, task: Scoped): void {
  if (!canRead(acting, task)) throw new ForbiddenError('This task belongs to another department.');
}

export const auditContext = (acting: Acting) => ({ actor: acting.actor, requestId: acting.requestId });
