// Owns the statistics of PUBLISHED results (the public /statistics page): results per month,
// results by category (as corrected, like every public page), and publication timeliness (the
// share published within PUBLISH_WITHIN_WORKING_DAYS working days of the day the result arose).
// Which results count is THE public definition (server/results/published.ts PUBLISHED_FILTER:
// published or closed, not withdrawn), and every figure reads the frozen `publication` snapshot
// (server/inspections/review.ts publicationOf) and its corrections — never the working fields —
// so nothing unpublished can leak into a figure.
//
// A year is the year the result arose (publication.completedOn). The database does the
// aggregation ($match on the {publication.completedOn, departmentCode} index, then $group by
// plain field paths); Node receives at most one row per day, or per (day, due day) pair, and
// folds days into months. Only $match/$group/$sum are used, which MongoDB, mongo-java-server and
// FerretDB all run; string operators such as $substr are avoided for that reason.
import mongoose from 'mongoose';
import { Inspection } from '../../models/inspection.js';
import { DictionaryEntry } from '../../models/index.js';
import { PUBLISHED_FILTER } from '../results/published.js';

export interface StatsQuery {
  year: number;
  /** A department code, or undefined for all departments. */
  department?: string | undefined;
}

/** The filter of a year's published, not withdrawn, results (exported for tests and the query catalogue). */
export function publishedFilter(query: StatsQuery): Record<string, unknown> {
  return {
    ...PUBLISHED_FILTER,
    'publication.completedOn': mongoose.trusted({ $gte: `${query.year}-01-01`, $lte: `${query.year}-12-31` }),
    ...(query.department ? { departmentCode: query.department } : {}),
  };
}

export interface MonthFigure { month: number; results: number; onTime: number; late: number; noDueDate: number }
export interface CategoryFigure { code: string; label: string; results: number }

interface DayRow { _id: { day?: string | null; published?: string | null; due?: string | null }; n: number }

/** Results per month of the year, each with how many were published on time, late, or had no due day. */
export async function monthlyFigures(query: StatsQuery): Promise<MonthFigure[]> {
  const rows = await Inspection.aggregate<DayRow>([
    { $match: publishedFilter(query) },
    { $group: { _id: { day: '$publication.completedOn', published: '$publication.publishedOn', due: '$publication.publishDueOn' }, n: { $sum: 1 } } },
  ]);
  const months: MonthFigure[] = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, results: 0, onTime: 0, late: 0, noDueDate: 0 }));
  for (const row of rows) {
    const id = row._id;
    const month = Number((id.day ?? '').slice(5, 7));
    const figure = months[month - 1];
    if (!figure) continue;
    figure.results += row.n;
    // Day strings (YYYY-MM-DD) compare as dates; published on the due day is on time.
    if (!id.due || !id.published) figure.noDueDate += row.n;
    else if (id.published <= id.due) figure.onTime += row.n;
    else figure.late += row.n;
  }
  return months;
}

/**
 * Results by category as the public sees them: the published category, or where the result was
 * corrected (a new entry in `corrections`, the publication itself never edited) the category of
 * the last correction. The database groups the results never corrected; the corrected ones —
 * rare — are read with their corrections only, and counted here.
 */
export async function categoryFigures(query: StatsQuery): Promise<{ categories: CategoryFigure[]; corrected: number }> {
  const [rows, corrections, dictionary] = await Promise.all([
    Inspection.aggregate<{ _id: { code?: string | null; label?: string | null }; n: number }>([
      { $match: { ...publishedFilter(query), 'corrections.0': mongoose.trusted({ $exists: false }) } },
      { $group: { _id: { code: '$publication.resultCategory', label: '$publication.resultLabel' }, n: { $sum: 1 } } },
    ]),
    Inspection.find({ ...publishedFilter(query), 'corrections.0': mongoose.trusted({ $exists: true }) }).select('corrections.changes -_id')
      .lean<{ corrections: { changes?: { resultCategory?: { to?: string; label?: string } } }[] }[]>(),
    DictionaryEntry.find({ dictionary: 'result_category' }).select('code label order -_id').lean<{ code: string; label: string; order: number }[]>(),
  ]);
  const order = new Map(dictionary.map((d) => [d.code, d]));
  const byCode = new Map<string, CategoryFigure>();
  const add = (code: string, label: string | null | undefined, n: number) => {
    const figure = byCode.get(code) ?? { code, label: label || order.get(code)?.label || code, results: 0 };
    figure.results += n;
    byCode.set(code, figure);
  };
  for (const row of rows) add(row._id.code ?? '', row._id.label, row.n);
  for (const doc of corrections) {
    const last = doc.corrections.at(-1)?.changes?.resultCategory;
    add(last?.to ?? '', last?.label, 1);
  }
  const categories = [...byCode.values()].sort((a, b) => b.results - a.results || (order.get(a.code)?.order ?? 999) - (order.get(b.code)?.order ?? 999));
  return { categories, corrected: corrections.length };
}

/**
 * The distinct entities with a published result in the year, in batches of credit codes. A
 * $group cursor rather than distinct(): distinct answers in one document (16 MB, about 800,000
 * codes), a cursor has no such ceiling.
 */
export async function* inspectedEntityBatches(query: StatsQuery, size = 5_000): AsyncGenerator<string[]> {
  let batch: string[] = [];
  const cursor = Inspection.aggregate<{ _id: string }>([{ $match: publishedFilter(query) }, { $group: { _id: '$creditCode' } }]).cursor({ batchSize: size });
  for await (const row of cursor) {
    if (typeof row._id !== 'string') continue;
    batch.push(row._id);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
