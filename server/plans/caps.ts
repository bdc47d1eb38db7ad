// Owns the annual frequency caps (2025 rule, DOMAIN.md): how many times an enterprise was
// inspected this year, per department and overall, and which pool entities are therefore at a
// cap. capCounts() is the one count both the freeze (entitiesAtCap) and the ad-hoc form
// (server/inspections/ad-hoc.ts) use, so an entity refused there is excluded here and back.
// It adds two sources: the effective drawn lists (DrawnEntity rows that are selected, not
// superseded by a redo, of a non-exempt inspection type; the visits merged into one joint
// visit count once) and the ad-hoc inspections (线索核查, 即时: Inspection rows with `adHoc`)
// of a type not exempt — drawn inspections are counted by their DrawnEntity row only.
import { DrawnEntity } from '../../models/draw-run.js';
import { Inspection } from '../../models/inspection.js';
import type { FrequencyCaps } from './settings.js';

export interface CapCount { overall: number; byDepartment: Record<string, number> }

/** Drawn visits per credit code for `year` (only codes in `codes` when given); see capCounts for the cap. */
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

/**
 * Inspections counted against the caps, per credit code for `year` (only codes in `codes` when
 * given): the drawn visits and the non-exempt ad-hoc inspections, each ad-hoc one counting once.
 */
export async function capCounts(year: number, caps: FrequencyCaps, codes?: ReadonlySet<string>): Promise<Map<string, CapCount>> {
  const counts = await drawCounts(year, caps, codes);
  // One code: its index (creditCode, year); a whole pool: the year's ad-hoc inspections, which
  // are few next to the pool (a complaint or an emergency each), filtered here.
  const one = codes && codes.size === 1 ? [...codes][0]! : null;
  // The raw driver (no sanitizeFilter): every operator and value here is ours.
  const filter: Record<string, unknown> = { year, adHoc: { $exists: true }, ...(one ? { creditCode: one } : {}) };
  if (caps.exemptTypes.length > 0) filter.inspectionType = { $nin: [...caps.exemptTypes] };
  const cursor = Inspection.collection.find(filter, { projection: { _id: 0, creditCode: 1, departmentCode: 1 } });
  for await (const row of cursor) {
    const code = row.creditCode as string;
    if (codes && !codes.has(code)) continue;
    const c = counts.get(code) ?? { overall: 0, byDepartment: {} };
    const dept = row.departmentCode as string;
    c.byDepartment[dept] = (c.byDepartment[dept] ?? 0) + 1;
    c.overall += 1;
    counts.set(code, c);
  }
  return counts;
}

export interface AtCap { creditCode: string; reason: 'department' | 'overall'; count: number; cap: number }

/** The pool entities at a cap for a draw by `department` in `year`, in no particular order. */
export async function entitiesAtCap(codes: ReadonlySet<string>, year: number, department: string, caps: FrequencyCaps): Promise<AtCap[]> {
  if (caps.overall === 0 && caps.perDepartment === 0) return [];
  const out: AtCap[] = [];
  for (const [code, c] of await capCounts(year, caps, codes)) {
    const dept = c.byDepartment[department] ?? 0;
    if (caps.perDepartment > 0 && dept >= caps.perDepartment) out.push({ creditCode: code, reason: 'department', count: dept, cap: caps.perDepartment });
    else if (caps.overall > 0 && c.overall >= caps.overall) out.push({ creditCode: code, reason: 'overall', count: c.overall, cap: caps.overall });
  }
  return out;
}
