// Owns the back-office operations on the inspector roster: filtered lists (with certificate
// expiry), detail, edits through an allowlist, and deactivation (status 失效; never deleted).
//
// Expiry filters use $nor over the certificate array because FerretDB 1.24 answers $elemMatch
// and $not-on-arrays differently from MongoDB (see test/integration/db-capabilities.test.ts).
import mongoose from 'mongoose';
import { z } from 'zod';
import { DEPARTMENT_LEVELS, INSPECTOR_STATUSES, Inspector } from '../../models/index.js';
import { fieldChanges, recordChanges, type ChangeContext } from '../audit/changes.js';
import { NotFoundError } from '../errors.js';
import { escapeRegExp, optional } from '../http/validate.js';
import { windowedPage, type PageInfo } from '../http/pagination.js';
import { markRosterFiguresStale } from './roster-figures.js';

export const EXPIRY_WARNING_DAYS = 30;
const DAY = 86_400_000;

export const inspectorFilterSchema = z.object({
  q: z.string().trim().max(64, 'too_long').optional().transform((v) => v || undefined),
  department: z.string().trim().regex(/^[A-Za-z0-9-]{0,32}$/, 'invalid_department').optional().transform((v) => v || undefined),
  status: optional(z.enum(INSPECTOR_STATUSES, 'invalid_choice')),
  expiry: optional(z.enum(['expiring', 'expired'], 'invalid_choice')),
  page: z.coerce.number().int('invalid_number').min(1).max(100_000).optional().default(1),
});
export type InspectorFilter = z.output<typeof inspectorFilterSchema>;

export type CertificateAlert = 'expired' | 'expiring' | undefined;

/** Today as a UTC midnight Date, from a YYYY-MM-DD day in the configured time zone. */
const dayStart = (today: string) => new Date(`${today}T00:00:00Z`);

/** 'expired': no certificate valid today or later; 'expiring': all end within 30 days. */
export function certificateAlert(certificates: { validUntil: Date }[], today: string): CertificateAlert {
  const start = dayStart(today).getTime();
  const latest = Math.max(...certificates.map((c) => new Date(c.validUntil).getTime()), -Infinity);
  if (latest < start) return 'expired';
  if (latest <= start + EXPIRY_WARNING_DAYS * DAY) return 'expiring';
  return undefined;
}

/** The filter a list request becomes (exported for the query-plan test, see docs/QUERIES.md). */
export function inspectorListFilter(filter: InspectorFilter, today: string): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.q) query.$or = [{ name: mongoose.trusted({ $regex: escapeRegExp(filter.q) }) }, { 'certificates.number': filter.q }, { inspectorId: filter.q }];
  if (filter.department) query.departmentCode = filter.department;
  if (filter.status) query.status = filter.status;
  const start = dayStart(today);
  const horizon = new Date(start.getTime() + EXPIRY_WARNING_DAYS * DAY);
  if (filter.expiry === 'expired') query.$nor = [{ 'certificates.validUntil': mongoose.trusted({ $gte: start }) }];
  if (filter.expiry === 'expiring') {
    query['certificates.validUntil'] = mongoose.trusted({ $gte: start });
    query.$nor = [{ 'certificates.validUntil': mongoose.trusted({ $gt: horizon }) }];
  }
  return query;
}

/** Department, then name; the inspector id breaks ties so that pages never overlap. */
export const INSPECTOR_LIST_SORT = { departmentCode: 1, name: 1, inspectorId: 1 } as const;

/** One query per page, no whole-collection count (see server/http/pagination.ts). */
export async function listInspectors(filter: InspectorFilter, today: string): Promise<{ rows: Record<string, any>[]; page: PageInfo }> {
  const query = inspectorListFilter(filter, today);
  const { rows, page } = await windowedPage(filter.page, 25, (skip, limit) =>
    Inspector.find(query).sort(INSPECTOR_LIST_SORT).skip(skip).limit(limit).lean());
  return { rows: rows.map((row) => ({ ...row, alert: certificateAlert(row.certificates, today) })), page };
}

export async function getInspector(inspectorId: string) {
  const inspector = await Inspector.findOne({ inspectorId }).lean();
  if (!inspector) throw new NotFoundError(`No inspector with id ${inspectorId}`);
  return inspector;
}

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean));

export const inspectorEditSchema = z.object({
  name: z.string().trim().min(1, 'required').max(50, 'too_long'),
  departmentCode: z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department'),
  unitLevel: optional(z.enum(DEPARTMENT_LEVELS, 'invalid_choice')),
  post: z.string().trim().max(100, 'too_long').optional().default(''),
  qualifications: list,
  itemCodes: list.pipe(z.array(z.string().regex(/^[A-Z]\d{2,4}$/, 'invalid_item_code'))),
  status: z.enum(INSPECTOR_STATUSES, 'invalid_choice'),
});

export type InspectorEdit = z.output<typeof inspectorEditSchema>;

/** The edit form's values for a stored inspector. */
export function inspectorEditValues(inspector: Record<string, any>): Record<string, string> {
  return {
    name: inspector.name, departmentCode: inspector.departmentCode, unitLevel: inspector.unitLevel ?? '', post: inspector.post ?? '',
    qualifications: (inspector.qualifications ?? []).join('、'), itemCodes: (inspector.itemCodes ?? []).join(', '), status: inspector.status,
  };
}

const target = (inspector: { inspectorId: string; name: string }) => ({ type: 'inspector', id: inspector.inspectorId, label: inspector.name });

/** Applies a validated edit and audits the changed fields (action inspector.update). */
export async function updateInspector(inspectorId: string, edit: InspectorEdit, context: ChangeContext) {
  const before = await getInspector(inspectorId);
  const changes = fieldChanges(before as Record<string, unknown>, edit);
  const set = Object.fromEntries(Object.keys(changes).map((key) => [key, (edit as Record<string, unknown>)[key]]));
  if (Object.keys(set).length > 0) await Inspector.updateOne({ _id: before._id }, { $set: set }, { runValidators: true });
  if (changes.status) await markRosterFiguresStale();
  await recordChanges(context, 'inspector.update', target(before), changes);
  return { changes };
}

/** 失效 takes an inspector out of every draw, 有效 restores them (inspector.deactivate / inspector.activate). */
export async function setInspectorStatus(inspectorId: string, status: (typeof INSPECTOR_STATUSES)[number], context: ChangeContext) {
  const before = await getInspector(inspectorId);
  if (before.status === status) return { changed: false };
  await Inspector.updateOne({ _id: before._id }, { $set: { status } });
  await markRosterFiguresStale();
  await recordChanges(context, status === '失效' ? 'inspector.deactivate' : 'inspector.activate', target(before), { status: { from: before.status, to: status } });
  return { changed: true };
}
