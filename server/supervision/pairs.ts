// Owns the alert for inspector pairs that recur more often than chance (随机选派 that looks like
// fixed teams — what the round-robin pairing of older systems produced, DOMAIN.md).
//
// The statistic, per department and year: T teams (the current team of each inspection of the
// department that year), the department's roster of N valid (有效) inspectors. If teams were
// drawn uniformly at random from the roster, a given pair sits together in a team of k with
// probability k(k−1) / (N(N−1)); over the year a pair's count is then (close to) Binomial(T, p̄)
// with p̄ the mean of that probability over the teams, and the expected count is T·p̄. A pair
// seen X times is flagged when X ≥ MIN_OBSERVED and P(Binomial(T, p̄) ≥ X) < ALPHA / M, where
// M = N(N−1)/2 is the number of possible pairs (a Bonferroni correction: with M pairs looked at,
// about ALPHA·M would fall below ALPHA by chance alone). Real draws are not uniform — only
// qualified inspectors with valid certificates are eligible, with load limits and recusals —
// so a flag asks a question (is the eligible roster too small? were teams changed by hand?)
// rather than proving one.
//
// The database counts, with $match/$unwind/$group by one plain field only: first each
// department's team members, then for each member the co-members of their teams
// (one small aggregation per member on the {team, …} index, a few at a time). Node receives
// counts, never the inspections. Grouping by the whole team array would be one query, but
// mongo-java-server groups arrays by their first element only, and FerretDB 1.x reads a field
// path in $project as a literal string, so neither a $group on arrays nor a copied array works on
// every supported server.
import mongoose from 'mongoose';
import { Inspection } from '../../models/inspection.js';
import { Inspector } from '../../models/inspector.js';
import { binomialUpperTail } from './binomial.js';

export const ALPHA = 0.01;
export const MIN_OBSERVED = 3;

export interface PairAlert {
  departmentCode: string;
  inspectors: [string, string];
  observed: number;
  expected: number;
  /** P(Binomial(T, p̄) ≥ observed). */
  tail: number;
  /** ALPHA / M: the threshold the tail fell below. */
  threshold: number;
  teams: number;
  roster: number;
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

export async function recurringPairs(year: number, department?: string): Promise<PairAlert[]> {
  const match: Record<string, unknown> = { year, ...(department ? { departmentCode: department } : {}) };
  const teamRows = await Inspection.aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: '$departmentCode', n: { $sum: 1 } } }]);
  // Members per department, one department at a time: FerretDB 1.x drops the other fields of a
  // compound $group key after $unwind, so every key here is a single field.
  const memberRows = (await inBatches(teamRows.map((r) => r._id).filter((d) => typeof d === 'string'), 4, async (d) =>
    (await Inspection.aggregate<{ _id: string }>([{ $match: { year, departmentCode: d } }, { $unwind: '$team' }, { $group: { _id: '$team' } }]))
      .map((r) => ({ _id: { d, m: r._id } })))).flat();
  const teamCounts = new Map(teamRows.filter((r) => typeof r._id === 'string').map((r) => [r._id, r.n]));
  /** department → "a|b" (a < b) → teams with both. */
  const pairCounts = new Map<string, Map<string, number>>();
  /** department → Σ k(k−1) over its teams (each member's co-members summed). */
  const orderedPairs = new Map<string, number>();
  const members = memberRows.filter((r) => typeof r._id.m === 'string' && r._id.m !== '');
  await inBatches(members, 4, async ({ _id: { d, m } }) => {
    const co = await Inspection.aggregate<{ _id: string; n: number }>([
      { $match: { year, departmentCode: d, team: m } }, { $unwind: '$team' }, { $group: { _id: '$team', n: { $sum: 1 } } },
    ]);
    const counts = pairCounts.get(d) ?? new Map<string, number>();
    pairCounts.set(d, counts);
    for (const { _id: other, n } of co) {
      if (other === m) continue;
      orderedPairs.set(d, (orderedPairs.get(d) ?? 0) + n);
      if (m < other) counts.set(`${m}|${other}`, n);
    }
  });
  const departments = [...teamCounts.keys()];
  const rosters = new Map(await Promise.all(departments.map(async (d) => [d, await Inspector.countDocuments({ departmentCode: d, status: '有效' })] as const)));
  const alerts: PairAlert[] = [];
  for (const [d, teams] of teamCounts) {
    const roster = rosters.get(d) ?? 0;
    if (roster < 3 || teams === 0) continue; // with two inspectors every team is the same pair
    const p = Math.min(1, (orderedPairs.get(d) ?? 0) / (teams * roster * (roster - 1)));
    const threshold = ALPHA / ((roster * (roster - 1)) / 2);
    for (const [key, observed] of pairCounts.get(d) ?? []) {
      if (observed < MIN_OBSERVED) continue;
      const tail = binomialUpperTail(observed, teams, p);
      const [a, b] = key.split('|') as [string, string];
      if (tail < threshold) alerts.push({ departmentCode: d, inspectors: [a, b], observed, expected: teams * p, tail, threshold, teams, roster });
    }
  }
  return alerts.sort((x, y) => x.tail - y.tail);
}

/** Names of roster inspectors by their roster number (for the alert rows). */
export async function inspectorNames(ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await Inspector.find({ inspectorId: mongoose.trusted({ $in: [...new Set(ids)] }) }).select('inspectorId name -_id').lean<{ inspectorId: string; name: string }[]>();
  return new Map(rows.map((r) => [r.inspectorId, r.name]));
}
