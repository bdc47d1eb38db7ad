// Owns the search of published results (抽查结果公告, /results and its twins): the query a
// visitor may give (zod: entity name or credit code, department, item, result category, a
// range of publication days, page), the Mongo filter it becomes — always inside
// PUBLISHED_FILTER — and one page of public results, newest publication first. Also an entity's
// published inspections (/entities/:creditCode). Queries are catalogued in docs/QUERIES.md.
import mongoose from 'mongoose';
import { z } from 'zod';
import { Inspection } from '../../models/inspection.js';
import { escapeRegExp } from '../http/validate.js';
import { windowedPage, type PageInfo } from '../http/pagination.js';
import { isPublic, PUBLIC_PROJECTION, PUBLISHED_FILTER, publicResultOf, type PublicResult } from './published.js';

const t = mongoose.trusted;
export const RESULTS_PAGE_SIZE = 20;
/** Newest publication first; _id last makes the order total (pages neither overlap nor skip). */
export const RESULTS_SORT = { publishedAt: -1, _id: -1 } as const;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const blank = <S extends z.ZodType>(schema: S) => z.union([z.literal('').transform(() => undefined), schema]).optional();
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export const resultsQuery = z.object({
  q: z.string().trim().max(100, 'too_long').optional().transform((v) => v || undefined),
  department: blank(z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department')),
  item: blank(z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'invalid_choice')),
  result: blank(z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'invalid_choice')),
  from: blank(z.string().trim().refine(isDay, 'invalid_date')),
  to: blank(z.string().trim().refine(isDay, 'invalid_date')),
  page: z.coerce.number({ error: 'invalid' }).int('invalid').min(1, 'invalid').max(10_000, 'invalid').optional().default(1),
}).superRefine((v, ctx) => {
  if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'results_range' });
});
export type ResultsQuery = z.output<typeof resultsQuery>;

/** The text a visitor typed, as a credit code when it is one (upper-cased). */
export function asCreditCode(text: string): string | undefined {
  const upper = text.trim().toUpperCase();
  return CREDIT_CODE.test(upper) ? upper : undefined;
}

/** The Mongo filter of a search (exported for the query catalogue, docs/QUERIES.md). */
export function resultsFilter(query: Partial<ResultsQuery>): Record<string, unknown> {
  const filter: Record<string, unknown> = { ...PUBLISHED_FILTER };
  if (query.q) {
    const code = asCreditCode(query.q);
    if (code) filter.creditCode = code;
    else filter['publication.entityName'] = t({ $regex: escapeRegExp(query.q) });
  }
  if (query.department) filter.departmentCode = query.department;
  if (query.item) filter['publication.items.itemCode'] = query.item;
  if (query.result) {
    // The effective category is the last correction's, else the published one: candidates are
    // those published with it and never corrected, or corrected to it at some point; the page
    // keeps only those whose effective category it is (effectiveIs).
    filter.$or = [
      { 'publication.resultCategory': query.result, 'corrections.0': t({ $exists: false }) },
      { 'corrections.changes.resultCategory.to': query.result },
    ];
  }
  if (query.from || query.to) {
    filter['publication.publishedOn'] = t({ ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) });
  }
  return filter;
}

export interface ResultsPage { results: PublicResult[]; page: PageInfo }

/**
 * One page of published results matching `query`. The look-ahead that counts up to 1,000
 * matches (server/http/pagination.ts) reads ids only; the page's own rows are then read whole
 * by _id — reading 1,001 whole publications to show 20 cost more than the query itself.
 */
export async function searchResults(query: ResultsQuery, timeZone: string): Promise<ResultsPage> {
  const filter = resultsFilter(query);
  const { rows, page } = await windowedPage(query.page, RESULTS_PAGE_SIZE, async (skip, limit) => {
    const ids = (await Inspection.find(filter).sort(RESULTS_SORT).skip(skip).limit(limit).select({ _id: 1 }).lean<{ _id: string }[]>()).map((r) => r._id);
    const shown = ids.slice(0, RESULTS_PAGE_SIZE);
    const docs = shown.length === 0 ? [] : await Inspection.find({ _id: t({ $in: shown }) }).select(PUBLIC_PROJECTION).lean<PublicSource[]>();
    const byId = new Map(docs.map((d) => [d._id, d]));
    // Rows past the page are only counted; a row withdrawn between the two reads drops out.
    return ids.map((id, i) => (i < RESULTS_PAGE_SIZE ? byId.get(id) ?? null : null));
  });
  const results = rows.filter((row): row is PublicSource => row !== null && isPublic(row as never)).map((row) => publicResultOf(row, { timeZone }));
  return { results: query.result ? results.filter((r) => r.resultCategory === query.result) : results, page };
}

type PublicSource = Parameters<typeof publicResultOf>[0];

/** Most an entity page lists (an entity is inspected a few times a year). */
export const ENTITY_RESULTS_LIMIT = 500;

/** The published results of one entity, newest first; null for an invalid code or none published. */
export async function entityResults(creditCode: string, timeZone: string): Promise<null | { creditCode: string; entityName: string; results: PublicResult[]; more: boolean }> {
  const code = asCreditCode(creditCode);
  if (!code) return null;
  const rows = await Inspection.find({ ...PUBLISHED_FILTER, creditCode: code }).sort(RESULTS_SORT).limit(ENTITY_RESULTS_LIMIT + 1).select(PUBLIC_PROJECTION).lean<PublicSource[]>();
  if (rows.length === 0) return null;
  const results = rows.slice(0, ENTITY_RESULTS_LIMIT).map((row) => publicResultOf(row, { timeZone }));
  return { creditCode: code, entityName: results[0]!.entityName, results, more: rows.length > ENTITY_RESULTS_LIMIT };
}

/** One published result by id; null when there is none the public may see. */
export async function publishedResult(id: string, timeZone: string): Promise<null | { result: PublicResult; team: string[] }> {
  if (id.length > 300) return null;
  const doc = await Inspection.findOne({ ...PUBLISHED_FILTER, _id: id }).select({ ...PUBLIC_PROJECTION, team: 1, 'checkIn.inspectors': 1 }).lean<PublicSource & { team?: string[]; checkIn?: { inspectors?: string[] } }>();
  if (!doc) return null;
  return { result: publicResultOf(doc, { timeZone }), team: doc.checkIn?.inspectors?.length ? doc.checkIn.inspectors : (doc.team ?? []) };
}

/** How many results are public (the home page's figure; counted per render of a cached page). */
export async function countPublishedResults(): Promise<number> {
  return Inspection.countDocuments(PUBLISHED_FILTER);
}

/** The newest published results (home page). */
export async function latestResults(limit: number, timeZone: string): Promise<PublicResult[]> {
  const rows = await Inspection.find(PUBLISHED_FILTER).sort(RESULTS_SORT).limit(limit).select(PUBLIC_PROJECTION).lean<PublicSource[]>();
  return rows.map((row) => publicResultOf(row, { timeZone }));
}
