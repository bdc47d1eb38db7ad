// Owns the preview (dry run) of a task's draw: pool size per stratum, quotas with their
// rounding, exclusions by reason, inspector capacity and any infeasibility naming the binding
// constraint. It reads exactly what the announcement would freeze and writes nothing at all.
import { DrawError, poolFigures } from '../draw/index.js';
import type { InspectorInput } from '../draw/index.js';
import { assertRead, type Acting } from './acting.js';
import { gather } from './announce.js';
import type { DrawSettings } from './settings.js';
import { loadTask } from './tasks.js';

export type IneligibleReason = 'inactiveStatus' | 'noValidCertificate' | 'department' | 'qualification';

export interface Preview {
  poolSize: number;
  exclusions: { inactive: number; recent: number; atCap: number; unstratified: number; atCapByReason: { department: number; overall: number } };
  strata: Array<{ id: string; matched: number; drawable: number; quota: number; exact: string | null; rounding: string; selected: number; capped: boolean; excluded: { inactive: number; recent: number; atCap: number } }>;
  selected: number;
  inspectors: null | { roster: number; eligible: number; ineligible: Record<IneligibleReason, number>; capacity: number; needed: number; teamSize: number };
  feasible: boolean;
  /** Why the draw cannot succeed, naming the binding constraint; null when it can. */
  infeasibility: null | { code: string; constraint: string; message: string };
}

/** Checks 1–4 of DRAW-SPEC §7.1 (those that do not depend on the entity). */
function ineligible(i: InspectorInput, date: string, departments: string[], qualifications: string[]): IneligibleReason | null {
  if (i.status !== '有效') return 'inactiveStatus';
  if (!i.certificates.some((c) => c.validFrom <= date && date <= c.validUntil)) return 'noValidCertificate';
  if (!departments.includes(i.department)) return 'department';
  if (!qualifications.every((q) => i.qualifications.includes(q))) return 'qualification';
  return null;
}

export async function previewTask(taskId: string, acting: Acting, settings: DrawSettings): Promise<Preview> {
  const task = await loadTask(taskId);
  assertRead(acting, task);
  const slot = task.schedule?.at ?? settings.now();
  const g = await gather(task, slot, 1, settings);
  const atCapByReason = { department: g.atCap.filter((c) => c.reason === 'department').length, overall: g.atCap.filter((c) => c.reason === 'overall').length };
  let figures;
  try {
    figures = poolFigures({
      taskId: g.taskId, inspectionDate: g.inspectionDate, seed: { sources: [] }, pool: g.pool, strata: g.strata,
      exclusions: { repeatWindowDays: task.repeatWindowDays ?? 0, atCap: g.atCap.map((c) => c.creditCode) },
    });
  } catch (error) {
    if (!(error instanceof DrawError)) throw error;
    return {
      poolSize: g.pool.length, exclusions: { inactive: 0, recent: 0, atCap: g.atCap.length, unstratified: 0, atCapByReason }, strata: [], selected: 0, inspectors: null,
      feasible: false, infeasibility: { code: error.code, constraint: error.path ?? 'input', message: error.message },
    };
  }
  const strata = figures.strata.map((s, i) => {
    const q = g.strata[i]!.quota;
    const exact = 'ratio' in q ? `${q.ratio} × ${s.drawable} = ${(q.ratio * s.drawable).toFixed(6).replace(/\.?0+$/, '')}` : null;
    return {
      id: s.id, matched: s.matched, drawable: s.drawable, quota: s.quota, exact, capped: s.capped, selected: Math.min(s.quota, s.drawable),
      rounding: 'ratio' in q ? 'half up per stratum (DRAW-SPEC §6.2)' : 'fixed count',
      excluded: { inactive: s.excludedInactive, recent: s.excludedRecent, atCap: s.excludedAtCap ?? 0 },
    };
  });
  const selected = strata.reduce((n, s) => n + s.selected, 0);
  const p = figures.pool;
  const preview: Preview = {
    poolSize: p.size, selected, strata, inspectors: null, feasible: true, infeasibility: null,
    exclusions: { inactive: p.excludedInactive, recent: p.excludedRecent, atCap: p.excludedAtCap ?? 0, unstratified: p.unstratified, atCapByReason },
  };
  const a = g.assignment;
  if (a) {
    const counts: Record<IneligibleReason, number> = { inactiveStatus: 0, noValidCertificate: 0, department: 0, qualification: 0 };
    let eligible = 0;
    for (const i of a.inspectors) {
      const why = ineligible(i, g.inspectionDate, a.allowedDepartments, a.requiredQualifications);
      if (why) counts[why] += 1;
      else eligible += 1;
    }
    const capacity = eligible * a.maxAssignmentsPerInspector;
    const needed = a.teamSize * selected;
    preview.inspectors = { roster: a.inspectors.length, eligible, ineligible: counts, capacity, needed, teamSize: a.teamSize };
    if (selected > 0 && (eligible < a.teamSize || capacity < needed)) {
      // The binding constraint: the reason excluding the most inspectors (ties: the earlier
      // reason, as in §7.3), or the load limit when enough are eligible but too few slots.
      const [reason, excluded] = (Object.entries(counts) as [IneligibleReason, number][]).reduce((best, e) => (e[1] > best[1] ? e : best));
      const constraint = eligible >= a.teamSize && excluded === 0 ? 'loadLimit' : excluded > 0 ? reason : 'loadLimit';
      preview.feasible = false;
      preview.infeasibility = {
        code: eligible < a.teamSize ? 'TEAM_INFEASIBLE' : 'CAPACITY_INSUFFICIENT', constraint,
        message: `${eligible} eligible inspectors × ${a.maxAssignmentsPerInspector} assignments = ${capacity} < ${a.teamSize} per team × ${selected} entities = ${needed}; binding constraint: ${constraint}${excluded > 0 && constraint === reason ? ` (${excluded} inspectors excluded)` : ''}`,
      };
    }
  }
  return preview;
}
