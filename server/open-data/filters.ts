// Owns the optional filters of the open-data files and the feed (?year=&department=): validated
// at the edge, so a bad value answers 422 with the field's code rather than an empty file.
import { z } from 'zod';

const departmentCode = z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department');

export const exportFilterSchema = z.object({
  year: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'invalid_number' }).int('invalid_number').min(2000, 'invalid_number').max(2100, 'invalid_number').optional()),
  department: z.preprocess((v) => (v === '' ? undefined : v), departmentCode.optional()),
});

export type ExportFilter = z.output<typeof exportFilterSchema>;

/** The filter as a query string ('' when none), for links and the file name. */
export function filterQuery(filter: ExportFilter): string {
  const params = new URLSearchParams();
  if (filter.year !== undefined) params.set('year', String(filter.year));
  if (filter.department) params.set('department', filter.department);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** A download's file name: results.csv, results-2026-HJ-SCJG.csv… */
export function fileName(base: string, extension: string, filter: ExportFilter): string {
  const parts = [base, filter.year === undefined ? '' : String(filter.year), filter.department ?? ''].filter(Boolean);
  return `${parts.join('-')}.${extension}`;
}
