// Owns the preview (dry run) of a task's draw: pool size per stratum, quotas with their
// rounding, exclusions by reason, inspector capacity and any infeasibility naming the binding
// constraint and, where it lies in one stratum, that stratum. It reads exactly what the
// announcement of the task's next slot would freeze (a cron task: its next slot, whose day is
// the inspection date) and writes nothing at all.
// Inspector eligibility is the engine's own (DRAW-SPEC §7.1, server/draw/roster.ts: the
// entity-independent checks 1–4, then declared conflicts, relations and shared address keys),
// imported from the engine's modules rather than restated, so the preview cannot drift from
// the draw. Which entities are drawn is random, so per stratum it counts the drawable entities
// that could not get a team: more of them than the stratum can leave undrawn means the draw
// must fail; fewer means it may (a risk, shown, not a refusal).
import { DrawError, TeamInfeasibleError, poolFigures, type ExclusionCounts } from '../draw/index.js';
import { addDays } from '../draw/dates.js';
import { DRAWABLE, STATE_MASK, scanPool } from '../draw/pool-scan.js';
import { buildRoster, conflictsOf, explainExclusions, validateAssignment, type Roster } from '../draw/roster.js';
import { compileStrata } from '../draw/strata.js';
import type { TaskRecord } from '../../models/task.js';
import { assertRead, type Acting } from './acting.js';
import { gather, type Gathered } from './announce.js';
import { nextTaskSlot } from './schedule.js';
import type { DrawSettings } from './settings.js';
import { loadTask } from './tasks.js';

export type IneligibleReason = 'inactiveStatus' | 'noValidCertificate' | 'department' | 'qualification';
const STATIC_REASONS: readonly IneligibleReason[] = ['inactiveStatus', 'noValidCertificate', 'department', 'qualification'];

/** Per stratum: drawable entities with fewer eligible inspectors than a team needs. */
interface TeamGap { blocked: number; example: { creditCode: string; eligible: number; excluded: ExclusionCounts } | null }

export interface Preview {
  poolSize: number;
  exclusions: { inactive: number; recent: number; atCap: number; unstratified: number; atCapByReason: { department: number; overall: number } };
  /** The draw time previewed: the task's next slot (or its single time, or now). */
  slot: Date;
  inspectionDate: string;
  strata: Array<{ id: string; matched: number; drawable: number; quota: number; exact: string | null; rounding: string; selected: number; capped: boolean; excluded: { inactive: number; recent: number; atCap: number }; teamBlocked: number | null }>;
  selected: number;
  inspectors: null | { roster: number; eligible: number; ineligible: Record<IneligibleReason, number>; capacity: number; needed: number; teamSize: number };
  feasible: boolean;
  /** Why the draw cannot succeed, naming the binding constraint (and the stratum); null when it can. */
  infeasibility: null | { code: string; constraint: string; message: string; stratum?: string; blocked?: number; drawable?: number; selected?: number };
  /** Strata where some drawable entities could not get a team: the draw fails if one is drawn. */
  risks: Array<{ stratum: string; blocked: number; drawable: number; selected: number }>;
}

/** The slot an announcement would be made for now: the next cron slot, the single time, or now. */
export function previewSlot(task: Pick<TaskRecord, 'schedule'>, settings: DrawSettings): Date {
  const now = settings.now();
  return nextTaskSlot(task.schedule, now, settings.timeZone) ?? task.schedule?.at ?? now;
}

/** Each stratum's drawable entities that fewer than `teamSize` inspectors may inspect (§7.1 checks 1–5). */
function teamGaps(g: Gathered, roster: Roster, teamSize: number, maxLoad: number, repeatWindowDays: number): TeamGap[] {
  const gaps: TeamGap[] = g.strata.map(() => ({ blocked: 0, example: null }));
  const cutoff = repeatWindowDays > 0 ? addDays(g.inspectionDate, -repeatWindowDays) : null;
  const placement = scanPool(g.pool, compileStrata(g.strata), cutoff, new Set(g.atCap.map((c) => c.creditCode))).placement!;
  const staticEligible = roster.staticReason.filter((r) => r === null).length;
  const noLoad = new Int32Array(roster.inspectors.length);
  g.pool.forEach((entity, i) => {
    const x = placement[i]!;
    if ((x & STATE_MASK) !== DRAWABLE) return;
    // Without a conflict every statically eligible inspector qualifies (the global check covers that).
    if (staticEligible >= teamSize && conflictsOf(roster, entity).length === 0) return;
    const { eligible, excluded } = explainExclusions(roster, entity, noLoad, maxLoad);
    if (eligible >= teamSize) return;
    const gap = gaps[x >>> 3]!;
    gap.blocked += 1;
    // The smallest credit code: the same example whatever order the database returned.
    if (!gap.example || entity.creditCode < gap.example.creditCode) gap.example = { creditCode: entity.creditCode, eligible, excluded };
  });
  return gaps;
}

export async function previewTask(taskId: string, acting: Acting, settings: DrawSettings): Promise<Preview> {
  const task = await loadTask(taskId);
  assertRead(acting, task);
  const slot = previewSlot(task, settings);
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
      poolSize: g.pool.length, slot, inspectionDate: g.inspectionDate, exclusions: { inactive: 0, recent: 0, atCap: g.atCap.length, unstratified: 0, atCapByReason }, strata: [], selected: 0, inspectors: null,
      feasible: false, infeasibility: { code: error.code, constraint: error.path ?? 'input', message: error.message }, risks: [],
    };
  }
  const strata = figures.strata.map((s, i) => {
    const q = g.strata[i]!.quota;
    const exact = 'ratio' in q ? `${q.ratio} × ${s.drawable} = ${(q.ratio * s.drawable).toFixed(6).replace(/\.?0+$/, '')}` : null;
    return {
      id: s.id, matched: s.matched, drawable: s.drawable, quota: s.quota, exact, capped: s.capped, selected: Math.min(s.quota, s.drawable),
      rounding: 'ratio' in q ? 'half up per stratum (DRAW-SPEC §6.2)' : 'fixed count',
      excluded: { inactive: s.excludedInactive, recent: s.excludedRecent, atCap: s.excludedAtCap ?? 0 }, teamBlocked: null as number | null,
    };
  });
  const selected = strata.reduce((n, s) => n + s.selected, 0);
  const p = figures.pool;
  const preview: Preview = {
    poolSize: p.size, slot, inspectionDate: g.inspectionDate, selected, strata, inspectors: null, feasible: true, infeasibility: null, risks: [],
    exclusions: { inactive: p.excludedInactive, recent: p.excludedRecent, atCap: p.excludedAtCap ?? 0, unstratified: p.unstratified, atCapByReason },
  };
  const a = g.assignment;
  if (a) {
    let roster: Roster;
    try {
      roster = buildRoster(validateAssignment(a), g.inspectionDate);
    } catch (error) {
      if (!(error instanceof DrawError)) throw error;
      return { ...preview, feasible: false, infeasibility: { code: error.code, constraint: error.path ?? 'assignment', message: error.message } };
    }
    const counts: Record<IneligibleReason, number> = { inactiveStatus: 0, noValidCertificate: 0, department: 0, qualification: 0 };
    let eligible = 0;
    for (const why of roster.staticReason) {
      if (why && (STATIC_REASONS as readonly string[]).includes(why)) counts[why as IneligibleReason] += 1;
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
      return preview;
    }
    // Per stratum, entity by entity: conflicts (declared, relations, shared address) as the engine applies them.
    const gaps = teamGaps(g, roster, a.teamSize, a.maxAssignmentsPerInspector, task.repeatWindowDays ?? 0);
    strata.forEach((s, i) => { s.teamBlocked = gaps[i]!.blocked; });
    for (const [i, s] of strata.entries()) {
      const gap = gaps[i]!;
      if (s.selected === 0 || gap.blocked === 0) continue;
      if (gap.blocked > s.drawable - s.selected && !preview.infeasibility) {
        // Every way of drawing `selected` of the stratum's entities takes at least one of these.
        const ex = gap.example!;
        const error = new TeamInfeasibleError(ex.creditCode, ex.eligible, a.teamSize, ex.excluded);
        preview.feasible = false;
        preview.infeasibility = {
          code: error.code, constraint: error.binding ?? 'conflict', stratum: s.id, blocked: gap.blocked, drawable: s.drawable, selected: s.selected,
          message: `stratum "${s.id}": ${gap.blocked} of ${s.drawable} drawable entities cannot get a team of ${a.teamSize}, and only ${s.drawable - s.selected} are left undrawn (${s.selected} drawn): one of them is drawn, e.g. ${error.message}`,
        };
      } else {
        preview.risks.push({ stratum: s.id, blocked: gap.blocked, drawable: s.drawable, selected: s.selected });
      }
    }
  }
  return preview;
}
