// Owns the JSON API of published results (GET /api/v1/public/results): the search page's filters
// (q = entity name or credit code, department, item, category, from/to = publication days),
// built by the search page's own resultsFilter so the two cannot disagree, plus the year;
// newest publication first, one page per request through the shared page arithmetic
// (server/http/pagination.ts: exact counts up to 1,000). The category filter matches the
// EFFECTIVE result — a corrected result is found under its corrected category only.
import { z } from 'zod';
import { Inspection } from '../../models/inspection.js';
import { apiPage, windowedPage } from '../http/pagination.js';
import { publicResultOf } from '../results/published.js';
import { resultsFilter, RESULTS_SORT } from '../results/search.js';
import { EXPORT_PROJECTION, resultRow, type PublicSource } from './results.js';
import type { ResultRow } from './columns.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
const code = (message: string) => z.preprocess(blank, z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, message).optional());
const day = z.preprocess(blank, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'invalid_date').optional());

export const apiQuerySchema = z
  .object({
    q: z.preprocess(blank, z.string().trim().max(100, 'too_long').optional()),
    department: code('invalid_department'),
    item: z.preprocess(blank, z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'invalid_choice').optional()),
    category: code('invalid_choice'),
    /** The search page's name for `category` (a link copied from /results works here too). */
    result: code('invalid_choice'),
    from: day,
    to: day,
    year: z.preprocess(blank, z.coerce.number({ error: 'invalid_number' }).int('invalid_number').min(2000, 'invalid_number').max(2100, 'invalid_number').optional()),
    page: z.preprocess(blank, z.coerce.number({ error: 'invalid_number' }).int('invalid_number').min(1, 'invalid_number').max(10_000, 'invalid_number').optional().default(1)),
    pageSize: z.preprocess(blank, z.coerce.number({ error: 'invalid_number' }).int('invalid_number').min(1, 'invalid_number').max(100, 'invalid_number').optional().default(20)),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'invalid_date' });
  });

export type ApiQuery = z.output<typeof apiQuerySchema>;

/** The search page's own filter (server/results/search.ts), plus the year; `category` is the page's `result`. */
export function apiFilter(query: ApiQuery): Record<string, unknown> {
  const { category, result, year, ...rest } = query;
  return { ...resultsFilter({ ...rest, result: category ?? result }), ...(year !== undefined ? { year } : {}) };
}

export type ApiResult = ResultRow & { corrections: { on: string; reason: string; from: { category: string; label: string }; to: { category: string; label: string } }[] };

export async function searchPublicResults(query: ApiQuery, timeZone: string) {
  const filter = apiFilter(query);
  const category = query.category ?? query.result;
  const { rows, page } = await windowedPage(query.page, query.pageSize, async (skip, limit) => {
    const docs = await Inspection.find(filter).select(EXPORT_PROJECTION).sort(RESULTS_SORT).skip(skip).limit(limit).lean<PublicSource[]>();
    // The filter admits a few results corrected away from the category; the effective one decides.
    return docs.map((doc) => ({ doc, result: publicResultOf(doc, { timeZone }) })).filter(({ result }) => !category || result.resultCategory === category);
  });
  const results: ApiResult[] = rows.map(({ doc, result }) => ({
    ...resultRow(result, doc.year),
    corrections: result.corrections.map((c) => ({ on: c.on, reason: c.reason, from: c.from, to: c.to })),
  }));
  return { results, page: apiPage(page) };
}
