// Owns reading a task's candidate pool and inspector roster from the database, as the draw
// engine's inputs (EntityInput, InspectorInput). One raw-driver cursor each, projected to the
// fields the draw reads: 100,000 entities cost about what the driver itself costs
// (bench/draw-e2e.bench.ts compares the two in the same run). Entities removed from the roster
// (active: false) are not candidates; inactive registrations (注销…) are, and the engine
// excludes and counts them.
import type { Filter, Document } from 'mongodb';
import { MarketEntity } from '../../models/market-entity.js';
import { Inspector } from '../../models/inspector.js';
import type { EntityInput, InspectorInput, StratumCondition } from '../draw/index.js';
import { dayOf } from '../time.js';

/** A pool entity with its name kept for the drawn list (extra fields are not digested). */
export type PoolEntity = EntityInput & { name?: string };

const ENTITY_PROJECTION = { _id: 0, creditCode: 1, name: 1, status: 1, riskClass: 1, industry: 1, region: 1, specialRosters: 1, lastInspectedOn: 1 };

/** The database filter of a task's pool: active roster rows meeting its 定向 conditions. */
export function poolFilter(conditions: StratumCondition | null | undefined): Filter<Document> {
  const filter: Filter<Document> = { active: true };
  const c = conditions ?? {};
  if (c.region?.length) filter.region = { $in: c.region };
  if (c.riskClass?.length) filter.riskClass = { $in: c.riskClass };
  if (c.specialRoster?.length) filter['specialRosters.roster'] = { $in: c.specialRoster };
  // Industry conditions are prefixes of GB/T 4754 codes and the roster keeps the section letter,
  // which only a one-letter prefix matches (DRAW-SPEC §6.1: "C" matches "C", "C13" does not).
  if (c.industry?.length) filter.industry = { $in: c.industry.filter((p) => p.length === 1) };
  return filter;
}

/** Dates as YYYY-MM-DD in the configured time zone (server/time.ts; memoised: many entities share a date). */
export function dateFormatter(timeZone: string): (d: Date | null | undefined) => string | null {
  const memo = new Map<number, string>();
  return (d) => {
    if (!d) return null;
    const t = d.getTime();
    let s = memo.get(t);
    if (s === undefined) memo.set(t, (s = dayOf(d, timeZone)));
    return s;
  };
}

export async function readPool(conditions: StratumCondition | null | undefined, timeZone: string): Promise<PoolEntity[]> {
  const iso = dateFormatter(timeZone);
  const pool: PoolEntity[] = [];
  const cursor = MarketEntity.collection.find(poolFilter(conditions), { projection: ENTITY_PROJECTION, batchSize: 5000 });
  for await (const d of cursor) {
    const rosters = Array.isArray(d.specialRosters) ? [...new Set((d.specialRosters as { roster: string }[]).map((r) => r.roster))] : [];
    pool.push({
      creditCode: d.creditCode as string,
      name: d.name as string,
      status: d.status as string,
      riskClass: (d.riskClass ?? null) as EntityInput['riskClass'],
      industry: (d.industry ?? null) as string | null,
      region: (d.region ?? null) as string | null,
      specialRosters: rosters,
      lastInspectedOn: iso(d.lastInspectedOn as Date | undefined),
    });
  }
  return pool;
}

const RELATION_KINDS = new Set(['former_employer', 'relative_business']);

export async function readRoster(departments: string[], timeZone: string): Promise<InspectorInput[]> {
  const iso = dateFormatter(timeZone);
  const roster: InspectorInput[] = [];
  const cursor = Inspector.collection.find({ departmentCode: { $in: departments } }, { projection: { _id: 0, inspectorId: 1, departmentCode: 1, status: 1, certificates: 1, qualifications: 1, conflicts: 1 } });
  for await (const d of cursor) {
    const conflicts = (d.conflicts ?? []) as { kind: string; creditCode: string }[];
    roster.push({
      id: d.inspectorId as string,
      department: d.departmentCode as string,
      status: d.status as InspectorInput['status'],
      certificates: ((d.certificates ?? []) as { number: string; validFrom: Date; validUntil: Date }[]).map((c) => ({ number: c.number, validFrom: iso(c.validFrom)!, validUntil: iso(c.validUntil)! })),
      qualifications: [...new Set((d.qualifications ?? []) as string[])],
      conflicts: [...new Set(conflicts.filter((c) => !RELATION_KINDS.has(c.kind)).map((c) => c.creditCode))],
      relationCodes: [...new Set(conflicts.filter((c) => RELATION_KINDS.has(c.kind)).map((c) => c.creditCode))],
    });
  }
  return roster;
}
