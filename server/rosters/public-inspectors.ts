// Owns the public certified-inspector lookup (持证人员信息公开): the public may check that an
// officer at the door is certified. Only four facts ever leave this module — name, department,
// certificate number and validity — so no page or API can leak more by accident.
import { todayIn } from '../time.js';
import mongoose from 'mongoose';
import { Department, Inspector } from '../../models/index.js';
import { escapeRegExp } from '../http/validate.js';
import { windowedPage, type PageInfo } from '../http/pagination.js';

export interface PublicCertificate {
  number: string;
  validFrom: string;
  validUntil: string;
  /** valid: in force today; expired: past validUntil; not_yet: before validFrom; revoked: holder 失效. */
  validity: 'valid' | 'expired' | 'not_yet' | 'revoked';
}

export interface PublicInspector {
  name: string;
  department: string;
  certificates: PublicCertificate[];
}

export interface LookupQuery {
  name?: string | undefined;
  certificate?: string | undefined;
  department?: string | undefined;
  page: number;
}

const PAGE_SIZE = 20;

/** The filter a lookup becomes (exported for the query-plan test, see docs/QUERIES.md). */
export function lookupFilter(query: Omit<LookupQuery, 'page'>): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (query.name) filter.name = mongoose.trusted({ $regex: `^${escapeRegExp(query.name)}` });
  if (query.certificate) filter['certificates.number'] = query.certificate;
  if (query.department) filter.departmentCode = query.department;
  return filter;
}

export const LOOKUP_SORT = { name: 1, inspectorId: 1 } as const;
const LOOKUP_FIELDS = { name: 1, departmentCode: 1, certificates: 1, status: 1 } as const;

export async function lookupInspectors(
  query: LookupQuery,
  today: string,
  timeZone: string,
): Promise<{ inspectors: PublicInspector[]; page: PageInfo }> {
  const filter = lookupFilter(query);
  const { rows, page } = await windowedPage(query.page, PAGE_SIZE, (skip, limit) =>
    Inspector.find(filter, LOOKUP_FIELDS).sort(LOOKUP_SORT).skip(skip).limit(limit).lean());
  const departments = await departmentNames();
  const inspectors = rows.map((row) => ({
    name: row.name,
    department: departments.get(row.departmentCode) ?? row.departmentCode,
    certificates: row.certificates.map((certificate) => {
      const validFrom = todayIn(timeZone, certificate.validFrom);
      const validUntil = todayIn(timeZone, certificate.validUntil);
      const validity: PublicCertificate['validity'] =
        row.status === '失效' ? 'revoked' : today < validFrom ? 'not_yet' : today > validUntil ? 'expired' : 'valid';
      return { number: certificate.number, validFrom, validUntil, validity };
    }),
  }));
  return { inspectors, page };
}

export async function departmentNames(): Promise<Map<string, string>> {
  const departments = await Department.find({}).select({ code: 1, name: 1 }).lean();
  return new Map(departments.map((d) => [d.code, d.name]));
}

