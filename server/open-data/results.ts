// Owns the rows of the results export and the feed's entries: published results as the public
// sees them — server/results/published.ts decides which (PUBLISHED_FILTER: never unpublished,
// never withdrawn) and what (publicResultOf: the frozen publication, corrections applied) — read
// through one cursor so that memory holds a batch, never the province's results.
import { Inspection } from '../../models/inspection.js';
import { PUBLIC_PROJECTION, PUBLISHED_FILTER, publicResultOf, type PublicResult } from '../results/published.js';
import type { ResultRow } from './columns.js';
import type { ExportFilter } from './filters.js';

/** What the exports read of an inspection: the public view's fields, and the inspection's year. */
export const EXPORT_PROJECTION = { ...PUBLIC_PROJECTION, year: 1 } as const;

export type PublicSource = Parameters<typeof publicResultOf>[0] & { year?: number; state?: string; withdrawal?: unknown };

/** The public page of a result (another module renders it; this is its stable address). */
export const resultPath = (id: string) => `/results/${encodeURIComponent(id)}`;

export function resultRow(result: PublicResult, year: number | undefined): ResultRow {
  const last = result.corrections.at(-1);
  return {
    id: result.id, url: resultPath(result.id),
    year: year ?? Number((result.completedOn || result.publishedOn).slice(0, 4)),
    planNumber: result.planNumber, planName: result.planName,
    taskNumber: result.taskNumber, taskName: result.taskName, targeting: result.targeting, inspectionType: result.inspectionType,
    departmentCode: result.departmentCode, departmentName: result.departmentName,
    creditCode: result.creditCode, entityName: result.entityName,
    completedOn: result.completedOn, publishedOn: result.publishedOn,
    resultCategory: result.resultCategory, result: result.resultLabel,
    correctedOn: last ? last.on : null,
    statement: result.statement,
    items: result.items.map((i) => ({ itemCode: i.itemCode, itemName: i.itemName, resultCategory: i.resultCategory, result: i.resultLabel })),
  };
}

/** The Mongo filter of the published results an export's filter admits. */
export function exportFilter(filter: ExportFilter): Record<string, unknown> {
  return {
    ...PUBLISHED_FILTER,
    ...(filter.year !== undefined ? { year: filter.year } : {}),
    ...(filter.department ? { departmentCode: filter.department } : {}),
  };
}

/** Every published result the filter admits, oldest publication first (a stable order: files only grow at the end). */
export async function* resultRows(filter: ExportFilter, timeZone: string): AsyncGenerator<ResultRow> {
  const cursor = Inspection.find(exportFilter(filter)).select(EXPORT_PROJECTION).sort({ publishedAt: 1, _id: 1 })
    .lean<PublicSource[]>().cursor({ batchSize: 500 });
  for await (const doc of cursor) {
    const source = doc as unknown as PublicSource;
    yield resultRow(publicResultOf(source, { timeZone }), source.year);
  }
}
