// Owns the annual frequency caps (2025 rule, DOMAIN.md): how many times an enterprise was drawn
// this year, per department and overall, from the effective drawn lists (DrawnEntity rows that
// are selected, not superseded by a redo, of a non-exempt inspection type; the visits merged
// into one joint visit count once), and which pool entities are therefore at a cap.
import { DrawnEntity } from '../../models/draw-run.js';
import type { FrequencyCaps } from './settings.js';

export interface CapCount { overall: number; byDepartment: Record<string, number> }

/** Counts per credit code for `year` (only codes in `codes` when given). */
export async function drawCounts(year: number, caps: FrequencyCaps, codes?: ReadonlySet<string>): Promise<Map<string, CapCount>> {
  const counts = new Map<string, CapCount>();
  const visits = new Map<string, Set<string>>();
  const cursor = DrawnEntity.collection.find(
    { year, role: 'selected', superseded: false },
    { projection: { _id: 1, creditCode: 1, departmentCode: 1, inspectionType: 1, jointVisit: 1 } },
  );
  for await (const row of cursor) {
    const code = row.creditCode as string;
    if (codes && !codes.has(code)) continue;
    if (caps.exemptTypes.includes(row.inspectionType as string)) continue;
    const c = counts.get(code) ?? { overall: 0, byDepartment: {} };
    const dept = row.departmentCode as string;
    c.byDepartment[dept] = (c.byDepartment[dept] ?? 0) + 1;
    // A joint visit counts once overall, however many departments' draws it merges.
    const visit = (row.jointVisit as string | undefined) ?? `row:${String(row._id)}`;
    const seen = visits.get(code) ?? new Set<string>();
    if (!seen.has(visit)) {
      seen.add(visit);
      c.overall += 1;
    }
    visits.set(code, seen);
    counts.set(code, c);
  }
  return counts;
}

export interface AtCap { creditCode: string; reason: 'department' | 'overall'; count: number; cap: number }

/** The pool entities at a cap for a draw by `department` in `year`, in no particular order. */
export async function entitiesAtCap(codes: ReadonlySet<string>, year: number, department: string, caps: FrequencyCaps): Promise<AtCap[]> {
  if (caps.overall === 0 && caps.perDepartment === 0) return [];
  const out: AtCap[] = [];
  for (const [code, c] of await drawCounts(year, caps, codes)) {
    const dept = c.byDepartment[department] ?? 0;
    if (caps.perDepartment > 0 && dept >= caps.perDepartment) out.push({ creditCode: code, reason: 'department', count: dept, cap: caps.perDepartment });
    else if (caps.overall > 0 && c.overall >= caps.overall) out.push({ creditCode: code, reason: 'overall', count: c.overall, cap: caps.overall });
  }
  return out;
}
