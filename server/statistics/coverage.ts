// Owns coverage (覆盖率): per credit-risk class, industry section and region, the share of the
// drawable pool (active 存续 entities) that has a published result in the year, against the
// share the plans set (年度抽查计划 ratios, or where a plan has none for a value the ratio of
// its tasks' strata).
//
// Scale: a province holds millions of entities, so nothing loads entity documents into Node.
// - The pool is one $group on the database by (risk class, industry, region) — a few thousand
//   rows at most — kept in this process for POOL_MAX_AGE_MS (the roster changes by monthly
//   imports; a page view never scans the roster except the first after start or expiry, and
//   concurrent views share that one scan).
// - The inspected entities are the published results' credit codes (a $group cursor on the
//   Inspection index, server/statistics/published.ts), looked up in batches of 5,000 by the
//   unique creditCode index and grouped the same way on the database. $lookup would do it in one
//   pipeline, but FerretDB 1.x does not run $lookup.
// Targets when several plans apply (all departments): their ratios are added, since each
// department inspects on its own plan (overlaps between departments are ignored, and stated).
import { Announcement } from '../../models/announcement.js';
import mongoose, { type Types } from 'mongoose';
import { DRAWABLE_STATUS, MarketEntity } from '../../models/index.js';
import { Plan } from '../../models/plan.js';
import { Task } from '../../models/task.js';
import { inspectedEntityBatches, type StatsQuery } from './published.js';

export const DIMENSIONS = ['riskClass', 'industry', 'region'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const POOL_MAX_AGE_MS = 10 * 60_000;

type Counts = Record<Dimension, Map<string, number>>;

export interface CoverageRow {
  value: string;
  pool: number;
  inspected: number;
  /** inspected / pool, 0–1 (0 for an empty pool). */
  share: number;
  /** The plans' ratio for this value, 0–1, or undefined when no plan sets one. */
  target?: number | undefined;
}

interface GroupRow { _id: { r?: string | null; i?: string | null; g?: string | null }; n: number }
const GROUP = { $group: { _id: { r: '$riskClass', i: '$industry', g: '$region' }, n: { $sum: 1 } } };

function emptyCounts(): Counts {
  return { riskClass: new Map(), industry: new Map(), region: new Map() };
}

function fold(into: Counts, rows: readonly GroupRow[]): Counts {
  for (const { _id, n } of rows) {
    const values: Record<Dimension, string> = { riskClass: _id.r ?? '', industry: _id.i ?? '', region: _id.g ?? '' };
    for (const dim of DIMENSIONS) into[dim].set(values[dim], (into[dim].get(values[dim]) ?? 0) + n);
  }
  return into;
}

/** The drawable pool's filter (the same as the roster figures' "drawable"). */
export const POOL_FILTER = { status: DRAWABLE_STATUS, active: mongoose.trusted({ $ne: false }) };

let pool: { at: number; counts: Promise<Counts> } | undefined;

/** The pool counted by the database, at most POOL_MAX_AGE_MS old; concurrent callers share one count. */
export function poolCounts(now = Date.now()): Promise<Counts> {
  if (!pool || now - pool.at > POOL_MAX_AGE_MS) {
    const counts = MarketEntity.aggregate<GroupRow>([{ $match: POOL_FILTER }, GROUP]).then((rows) => fold(emptyCounts(), rows));
    pool = { at: now, counts };
    counts.catch(() => { if (pool?.counts === counts) pool = undefined; }); // a failed count is not kept
  }
  return pool.counts;
}

/** Forgets the kept pool counts (tests; an import could call it too). */
export function forgetPoolCounts(): void {
  pool = undefined;
}

/** The entities with a published result in the year, counted per dimension value by the database. */
export async function inspectedCounts(query: StatsQuery): Promise<Counts> {
  const counts = emptyCounts();
  for await (const batch of inspectedEntityBatches(query)) {
    fold(counts, await MarketEntity.aggregate<GroupRow>([{ $match: { creditCode: mongoose.trusted({ $in: batch }) } }, GROUP]));
  }
  return counts;
}

type Where = Partial<Record<Dimension, unknown>>;

/** A plan ratio row's value for a dimension: from `where`, or a label that names a risk class ("D", "D类") or equals a region. */
function ratioApplies(row: { label?: string | null; where?: unknown }, dim: Dimension, value: string): boolean {
  const where = (row.where ?? {}) as Where;
  const listed = where[dim];
  if (Array.isArray(listed)) return listed.length === 1 && listed[0] === value;
  if (Object.keys(where).length > 0) return false;
  const label = (row.label ?? '').trim();
  if (dim === 'riskClass') return new RegExp(`^(?:信用风险)?\\s*${value}\\s*(?:类|级)?(?:企业|主体)?$`, 'u').test(label);
  if (dim === 'region') return label === value;
  return false;
}

/** The plans' target ratio (0–1) per dimension value for the year and department. */
export async function targets(query: StatsQuery): Promise<Record<Dimension, Map<string, number>>> {
  const filter: Record<string, unknown> = { year: query.year, publishedAt: mongoose.trusted({ $exists: true }) };
  if (query.department) filter.$or = mongoose.trusted([{ leadDepartment: query.department }, { participatingDepartments: query.department }]);
  const versions = await Plan.find(filter).sort({ planKey: 1, version: -1 }).select('planKey version ratios').limit(2000).lean<{ planKey: string; ratios?: { label?: string; where?: unknown; ratioPpm?: number }[] }[]>();
  const seen = new Set<string>();
  const plans = versions.filter((p) => !seen.has(p.planKey) && seen.add(p.planKey));
  const planTasks = plans.length === 0 ? [] : await Task.find({ planKey: mongoose.trusted({ $in: plans.map((p) => p.planKey) }) }).select('_id planKey strata').limit(5000).lean<{ _id: unknown; planKey: string; strata?: { where?: unknown; quota?: { ratioPpm?: number | null } }[] }[]>();
  // Only announced tasks: a draft task's strata are not public yet.
  const announced = new Set(planTasks.length === 0 ? [] : (await Announcement.find({ taskId: mongoose.trusted({ $in: planTasks.map((t) => t._id as Types.ObjectId) }) }).select('taskId').lean<{ taskId: unknown }[]>()).map((a) => String(a.taskId)));
  const tasks = planTasks.filter((t) => announced.has(String(t._id)));
  const out: Record<Dimension, Map<string, number>> = { riskClass: new Map(), industry: new Map(), region: new Map() };
  const pool = await poolCounts();
  for (const dim of DIMENSIONS) {
    for (const value of pool[dim].keys()) {
      let sum = 0;
      let any = false;
      for (const plan of plans) {
        const row = (plan.ratios ?? []).find((r) => typeof r.ratioPpm === 'number' && ratioApplies(r, dim, value));
        let ppm = row?.ratioPpm;
        if (ppm === undefined) {
          // No ratio row for the value: the largest ratio of a stratum of the plan's tasks that takes exactly this value.
          const strata = tasks.filter((t) => t.planKey === plan.planKey).flatMap((t) => t.strata ?? []);
          const ratios = strata.filter((s) => typeof s.quota?.ratioPpm === 'number' && ratioApplies({ where: s.where ?? {} }, dim, value) && Object.keys(s.where ?? {}).length > 0).map((s) => s.quota?.ratioPpm as number);
          if (ratios.length > 0) ppm = Math.max(...ratios);
        }
        if (ppm !== undefined) {
          sum += ppm;
          any = true;
        }
      }
      if (any) out[dim].set(value, Math.min(sum / 1_000_000, 1));
    }
  }
  return out;
}

/** Coverage rows per dimension, in a stable order (risk A–D, industry A–T, regions by pool size). */
export async function coverage(query: StatsQuery): Promise<Record<Dimension, CoverageRow[]>> {
  const [pool, inspected, target] = await Promise.all([poolCounts(), inspectedCounts(query), targets(query)]);
  const out = {} as Record<Dimension, CoverageRow[]>;
  for (const dim of DIMENSIONS) {
    const values = new Set([...pool[dim].keys(), ...inspected[dim].keys()]);
    values.delete('');
    const rows = [...values].map((value) => {
      const p = pool[dim].get(value) ?? 0;
      const i = inspected[dim].get(value) ?? 0;
      return { value, pool: p, inspected: i, share: p > 0 ? i / p : 0, target: target[dim].get(value) };
    });
    rows.sort(dim === 'region' ? (a, b) => b.pool - a.pool || a.value.localeCompare(b.value, 'zh-CN') : (a, b) => a.value.localeCompare(b.value));
    out[dim] = rows;
  }
  return out;
}
