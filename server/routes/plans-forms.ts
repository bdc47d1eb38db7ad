// Shared by the plan and task pages: the Acting of the signed-in user, the scope rule for
// reading a plan, list fields typed as "a, b、c", and the domain's field codes as the form
// pipeline shows them (the use cases say `validation.plan.year` for the field `year`; the
// catalogue has `error.field.plan.year`, shown by views/partials/field.ejs).
import type { Request } from 'express';
import type { CurrentUser } from '../auth/session.js';
import { readsAllDepartments } from '../access/scope.js';
import { NotFoundError } from '../errors.js';
import type { FormProblem } from '../http/forms.js';
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

const CODE_ALIASES: Record<string, string> = { date: 'invalid_date' };

/**
 * The use case's field codes as the catalogue names them (`validation.x` → `x`), on the form's
 * field names (`fieldNames` maps a domain path such as `strata.0.quota` to a form field).
 */
export function formProblem(problem: FormProblem, fieldNames: Record<string, string> = {}): FormProblem {
  const fields: Record<string, string> = {};
  for (const [path, code] of Object.entries(problem.fields)) {
    const bare = code.startsWith('validation.') ? code.slice('validation.'.length) : code;
    const name = fieldNames[path] ?? path;
    fields[name] ??= CODE_ALIASES[bare] ?? bare;
  }
  return { fields, params: problem.params };
}

/** A datetime-local value (YYYY-MM-DDTHH:MM, wall time in `timeZone`) as an instant; only +08:00-style zones without DST are exact. */
export function localDateTime(value: string, timeZone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const asUtc = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}Z`);
  if (Number.isNaN(asUtc)) return null;
  // The zone's offset at that moment, from Intl (no DST in Asia/Shanghai; good enough elsewhere).
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(asUtc));
  const p: Record<string, string> = {};
  for (const part of parts) p[part.type] = part.value;
  const shown = Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`);
  return new Date(asUtc - (shown - asUtc));
}

/** An instant as a datetime-local value in `timeZone`. */
export function toLocalDateTime(at: Date | null | undefined, timeZone: string): string {
  if (!at) return '';
  const p: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
