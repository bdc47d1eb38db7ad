// Owns the alerts for entities drawn beyond their annual caps (2025 rule; the caps and how they
// count are server/plans/caps.ts: selected, not superseded rows of the year's drawn lists, of a
// non-exempt type; per department, and overall where a merged joint visit counts once). A draw
// never takes an entity at a cap, so a row here means the rule was bypassed or raced (two tasks
// frozen before either drew), or the caps were lowered during the year.
//
// The database finds the candidates: rows grouped by entity (and department), kept when their
// number exceeds the cap — the only entities that can be beyond it. Only the candidates' rows are
// read into Node, to count joint visits once exactly as caps.ts does.
import mongoose from 'mongoose';
import { DrawnEntity } from '../../models/draw-run.js';
import type { FrequencyCaps } from '../plans/settings.js';

export interface CapAlert {
  creditCode: string;
  name: string;
  /** 'department': by one department beyond INSPECTION_CAP_PER_DEPARTMENT; 'overall': beyond INSPECTION_CAP_OVERALL. */
  kind: 'department' | 'overall';
  departmentCode?: string | undefined;
  count: number;
  cap: number;
  departments: string[];
}

const LIMIT = 200;

export async function beyondCaps(year: number, caps: FrequencyCaps, department?: string): Promise<CapAlert[]> {
  const base: Record<string, unknown> = { year, role: 'selected', superseded: false, inspectionType: mongoose.trusted({ $nin: caps.exemptTypes }) };
  const alerts: CapAlert[] = [];
  if (caps.perDepartment > 0) {
    const rows = await DrawnEntity.aggregate<{ _id: { c: string; d: string }; n: number }>([
      { $match: { ...base, ...(department ? { departmentCode: department } : {}) } },
      { $group: { _id: { c: '$creditCode', d: '$departmentCode' }, n: { $sum: 1 } } },
      { $match: { n: mongoose.trusted({ $gt: caps.perDepartment }) } },
      { $limit: LIMIT },
    ]);
    for (const r of rows) alerts.push({ creditCode: r._id.c, name: '', kind: 'department', departmentCode: r._id.d, count: r.n, cap: caps.perDepartment, departments: [r._id.d] });
  }
  if (caps.overall > 0) {
    // Rows of all departments per entity bound its visits from above (a joint visit merges rows).
    const candidates = await DrawnEntity.aggregate<{ _id: string; n: number }>([
      { $match: base },
      { $group: { _id: '$creditCode', n: { $sum: 1 } } },
      { $match: { n: mongoose.trusted({ $gt: caps.overall }) } },
      { $limit: LIMIT },
    ]);
    if (candidates.length > 0) {
      const rows = await DrawnEntity.find({ ...base, creditCode: mongoose.trusted({ $in: candidates.map((c) => c._id) }) }).select('_id creditCode departmentCode jointVisit').lean<{ _id: string; creditCode: string; departmentCode: string; jointVisit?: string }[]>();
      const visits = new Map<string, { visits: Set<string>; departments: Set<string> }>();
      for (const row of rows) {
        const v = visits.get(row.creditCode) ?? { visits: new Set(), departments: new Set() };
        v.visits.add(row.jointVisit ?? `row:${row._id}`);
        v.departments.add(row.departmentCode);
        visits.set(row.creditCode, v);
      }
      for (const [code, v] of visits) {
        if (v.visits.size <= caps.overall) continue;
        if (department && !v.departments.has(department)) continue;
        alerts.push({ creditCode: code, name: '', kind: 'overall', count: v.visits.size, cap: caps.overall, departments: [...v.departments].sort() });
      }
    }
  }
  if (alerts.length > 0) {
    const names = await DrawnEntity.find({ year, creditCode: mongoose.trusted({ $in: [...new Set(alerts.map((a) => a.creditCode))] }) }).select('creditCode name -_id').limit(LIMIT * 10).lean<{ creditCode: string; name: string }[]>();
    const nameOf = new Map(names.map((n) => [n.creditCode, n.name]));
    for (const a of alerts) a.name = nameOf.get(a.creditCode) ?? '';
  }
  return alerts.sort((a, b) => b.count - a.count || a.creditCode.localeCompare(b.creditCode));
}
