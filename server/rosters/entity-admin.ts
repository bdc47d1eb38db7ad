// Owns the back-office operations on the entity roster: filtered lists, detail, edits through
// an allowlist, and deactivation (an entity is never hard-deleted: draws may cite it).
import mongoose from 'mongoose';
import { z } from 'zod';
import { ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, MarketEntity, RISK_CLASSES } from '../../models/index.js';
import { fieldChanges, recordChanges, type ChangeContext } from '../audit/changes.js';
import { NotFoundError } from '../errors.js';
import { escapeRegExp, optional } from '../http/validate.js';
import { windowedPage, type PageInfo } from '../http/pagination.js';
import { markRosterFiguresStale } from './roster-figures.js';
import { normaliseCreditCode } from '../../models/credit-code.js';

const optionalText = (max: number) => z.string().trim().max(max, 'too_long').optional().transform((v) => v || undefined);
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) => optional(z.enum(values, 'invalid_choice'));

export const entityFilterSchema = z.object({
  q: optionalText(100),
  type: optionalEnum(ENTITY_TYPES),
  status: optionalEnum(ENTITY_STATUSES),
  region: optionalText(50),
  industry: optionalEnum(INDUSTRY_SECTIONS as [string, ...string[]]),
  riskClass: optionalEnum(RISK_CLASSES),
  roster: optionalText(50),
  page: z.coerce.number().int('invalid_number').min(1).max(100_000).optional().default(1),
});
export type EntityFilter = z.output<typeof entityFilterSchema>;

export const PAGE_SIZE = 25;

/** The filter a list request becomes (exported for the query-plan test, see docs/QUERIES.md). */
export function entityListFilter(filter: EntityFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.q) {
    const code = normaliseCreditCode(filter.q);
    query.$or = [{ creditCode: code }, { name: mongoose.trusted({ $regex: escapeRegExp(filter.q) }) }];
  }
  for (const key of ['type', 'status', 'region', 'industry', 'riskClass'] as const) if (filter[key]) query[key] = filter[key];
  if (filter.roster) query['specialRosters.roster'] = filter.roster;
  return query;
}

/** Credit codes are unique, so this order is total and pages never overlap or skip rows. */
export const ENTITY_LIST_SORT = { creditCode: 1 } as const;

/** The columns a list row carries (page and API); the whole record is one lookup away. */
export const ENTITY_LIST_FIELDS = {
  creditCode: 1, name: 1, type: 1, status: 1, region: 1, industry: 1, riskClass: 1, supervisingOffice: 1, lastInspectedOn: 1, active: 1,
} as const;

/** One query per page, no whole-collection count (see server/http/pagination.ts). */
export async function listEntities(filter: EntityFilter): Promise<{ rows: Record<string, any>[]; page: PageInfo }> {
  const query = entityListFilter(filter);
  return windowedPage(filter.page, PAGE_SIZE, (skip, limit) =>
    MarketEntity.find(query, ENTITY_LIST_FIELDS).sort(ENTITY_LIST_SORT).skip(skip).limit(limit).lean());
}

export async function getEntity(creditCode: string) {
  const entity = await MarketEntity.findOne({ creditCode: normaliseCreditCode(creditCode) }).lean();
  if (!entity) throw new NotFoundError(`No market entity with credit code ${creditCode}`);
  return entity;
}

/** A calendar day (YYYY-MM-DD) not after `today` (YYYY-MM-DD in TIME_ZONE); empty is null. */
const pastDay = (today: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) {
        ctx.addIssue({ code: 'custom', message: 'invalid_date' });
        return z.NEVER;
      }
      if (v > today) {
        ctx.addIssue({ code: 'custom', message: 'date_in_future', params: { today } });
        return z.NEVER;
      }
      return new Date(`${v}T00:00:00Z`);
    });

/**
 * What an admin may change on the edit form; the credit code (the key) is not among it. A
 * factory because an inspection date may not lie after `today` (YYYY-MM-DD in TIME_ZONE).
 */
export const entityEditSchema = (today: string) =>
  z.object({
    name: z.string().trim().min(1, 'required').max(200, 'too_long'),
    type: z.enum(ENTITY_TYPES, 'invalid_choice'),
    status: z.enum(ENTITY_STATUSES, 'invalid_choice'),
    region: z.string().trim().min(1, 'required').max(50, 'too_long'),
    address: z.string().trim().max(300, 'too_long').optional().default(''),
    legalRepresentative: z.string().trim().max(50, 'too_long').optional().default(''),
    industry: optionalEnum(INDUSTRY_SECTIONS as [string, ...string[]]),
    riskClass: optionalEnum(RISK_CLASSES),
    supervisingOffice: z.string().trim().max(100, 'too_long').optional().default(''),
    lastInspectedOn: pastDay(today),
  });
export type EntityEdit = z.output<ReturnType<typeof entityEditSchema>>;

/** The edit form's values for a stored entity (what the form shows before any change). */
export function entityEditValues(entity: Record<string, any>): Record<string, string> {
  const keys = ['name', 'type', 'status', 'region', 'address', 'legalRepresentative', 'industry', 'riskClass', 'supervisingOffice'];
  const day = entity.lastInspectedOn instanceof Date ? entity.lastInspectedOn.toISOString().slice(0, 10) : '';
  return { ...Object.fromEntries(keys.map((k) => [k, String(entity[k] ?? '')])), lastInspectedOn: day };
}

const target = (creditCode: string, name?: string) => ({ type: 'entity', id: creditCode, ...(name ? { label: name } : {}) });

/** Applies a validated edit and audits the changed fields (action entity.update). */
export async function updateEntity(creditCode: string, edit: EntityEdit, context: ChangeContext) {
  const before = await getEntity(creditCode);
  const changes = fieldChanges(before as Record<string, unknown>, edit);
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  for (const [key, { to }] of Object.entries(changes)) {
    if (to === null || to === '') unset[key] = 1;
    else set[key] = to;
  }
  if (Object.keys(changes).length > 0) {
    await MarketEntity.updateOne({ _id: before._id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { runValidators: true });
    if (changes.status) await markRosterFiguresStale();
  }
  await recordChanges(context, 'entity.update', target(before.creditCode, before.name), changes);
  return { changes };
}

/** Removes an entity from the roster (never drawn again) or restores it (entity.deactivate / entity.activate). */
export async function setEntityActive(creditCode: string, active: boolean, context: ChangeContext) {
  const before = await getEntity(creditCode);
  if (before.active !== false === active) return { changed: false };
  await MarketEntity.updateOne({ _id: before._id }, { $set: { active } });
  await markRosterFiguresStale();
  await recordChanges(context, active ? 'entity.activate' : 'entity.deactivate', target(before.creditCode, before.name), { active: { from: !active, to: active } });
  return { changed: true };
}
