// Owns the lists of inspections people work from: an inspector's own (the current team they are
// on; on their start page, counted by state with the next due) and a supervisor's department, as one filtered list or as the dashboard's sections —
// awaiting approval (before entry, or an 即时 afterwards), awaiting review, inspections due soon or overdue (dueOn), publications due
// soon or overdue (publishDueOn, counted in working days), late check-ins (filed on
// certificates) and missing check-ins (approved, due date passed, nobody checked in) — and a
// draw's recusals, for its result page. Every query starts with an indexed prefix ({team,
// state, dueOn}, {departmentCode, state, dueOn} or the claims' {runKey, seq}) with the state
// always named, and is paged or capped: never an unbounded find.
import mongoose from 'mongoose';
import { z } from 'zod';
import { INSPECTION_STATES, Inspection, RecusalClaim, type InspectionRecord, type InspectionState, type RecusalClaimRecord } from '../../models/inspection.js';
import { Inspector } from '../../models/inspector.js';
import { MarketEntity } from '../../models/market-entity.js';
import { windowedPage, type PageInfo } from '../http/pagination.js';
import { optional } from '../http/validate.js';
import type { Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import { awaitsApprovalAfterwards } from './approval.js';
import type { InspectionSettings } from './settings.js';

export const DASHBOARD_VIEWS = [
  'approval', 'approval_afterwards', 'review', 'statement_to_answer', 'overdue', 'due_soon', 'publish_overdue', 'publish_due_soon', 'late_check_in', 'missing_check_in',
] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

/** Inspections whose visit (dueOn) is still to be done or written up. */
const OPEN: readonly InspectionState[] = ['assigned', 'approved', 'checked_in', 'findings_entered', 'rejected'];
/** Results that arose (publishDueOn is set) and are not published yet. */
const TO_PUBLISH: readonly InspectionState[] = ['findings_entered', 'submitted', 'returned', 'approved_for_publication'];
const CHECKED_IN: readonly InspectionState[] = INSPECTION_STATES.filter((s) => s !== 'assigned' && s !== 'approved');

export const inspectionFilterSchema = z.object({
  view: optional(z.enum(DASHBOARD_VIEWS, 'invalid_choice')),
  state: optional(z.enum(INSPECTION_STATES, 'invalid_choice')),
  task: z.string().trim().max(64, 'too_long').optional().transform((v) => v || undefined),
  dueBy: optional(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date')),
  page: z.coerce.number().int('invalid_number').min(1).max(100_000).optional().default(1),
});
export type InspectionFilter = z.output<typeof inspectionFilterSchema>;

/** Today and the last day that is still "due soon" (dueSoonWorkingDays working days ahead). */
export interface DueDates { today: string; soon: string }

export async function dueDates(settings: InspectionSettings): Promise<DueDates> {
  const today = todayIn(settings.timeZone, settings.now());
  return { today, soon: (await settings.calendar()).addWorkingDays(today, settings.dueSoonWorkingDays) };
}

/** Whose inspections a list shows: the inspector's current teams, or the supervisor's department. */
export function scopeOf(acting: Acting): Record<string, string> | null {
  if (acting.role === 'inspector' && acting.inspectorId) return { team: acting.inspectorId };
  if (acting.role === 'supervisor' && acting.departmentCode) return { departmentCode: acting.departmentCode };
  return null;
}

interface ViewRule { states: readonly InspectionState[]; field?: 'dueOn' | 'publishDueOn'; range?: (d: DueDates) => Record<string, string>; extra?: Record<string, unknown> }

const VIEWS: Record<DashboardView, ViewRule> = {
  approval: { states: ['assigned'] },
  // 即时 carried out first: checked in, nobody has approved it yet (approval.ts, awaitsApprovalAfterwards).
  approval_afterwards: { states: CHECKED_IN, extra: { inspectionType: '即时', 'approval.at': mongoose.trusted({ $exists: false }) } },
  review: { states: ['submitted'] },
  // The entity stated its case (陈述申辩) and nobody has answered: approval waits for the answer (statement.ts).
  statement_to_answer: { states: ['submitted'], extra: { 'statement.kind': 'statement', 'statement.answer.decision': null } },
  overdue: { states: OPEN, field: 'dueOn', range: (d) => ({ $lt: d.today }) },
  due_soon: { states: OPEN, field: 'dueOn', range: (d) => ({ $gte: d.today, $lte: d.soon }) },
  publish_overdue: { states: TO_PUBLISH, field: 'publishDueOn', range: (d) => ({ $lt: d.today }) },
  publish_due_soon: { states: TO_PUBLISH, field: 'publishDueOn', range: (d) => ({ $gte: d.today, $lte: d.soon }) },
  late_check_in: { states: CHECKED_IN, extra: { 'checkIn.via': 'certificate' } },
  missing_check_in: { states: ['approved'], field: 'dueOn', range: (d) => ({ $lt: d.today }) },
};

/** The database filter of a list (operators built here only, hence trusted). */
export function listQuery(scope: Record<string, string>, filter: Partial<Omit<InspectionFilter, 'page'>>, dates: DueDates): Record<string, unknown> {
  const rule = filter.view ? VIEWS[filter.view] : undefined;
  let states: readonly InspectionState[] = rule?.states ?? INSPECTION_STATES;
  if (filter.state) states = states.filter((s) => s === filter.state);
  const query: Record<string, unknown> = { ...scope, state: mongoose.trusted({ $in: [...states] }), ...(rule?.extra ?? {}) };
  if (filter.task) query.taskNumber = filter.task;
  const dueOn: Record<string, string> = rule?.field === 'dueOn' && rule.range ? rule.range(dates) : {};
  if (filter.dueBy) dueOn.$lte = dueOn.$lte && dueOn.$lte < filter.dueBy ? dueOn.$lte : filter.dueBy;
  if (Object.keys(dueOn).length > 0) query.dueOn = mongoose.trusted(dueOn);
  if (rule?.field === 'publishDueOn' && rule.range) query.publishDueOn = mongoose.trusted(rule.range(dates));
  return query;
}

const ROW_FIELDS = 'state creditCode entityName taskNumber taskName inspectionType dueOn publishDueOn inspectionDate checkIn.via checkIn.day checkIn.at approval.at';
export type InspectionRow = Pick<InspectionRecord, '_id' | 'state' | 'creditCode' | 'entityName' | 'taskNumber' | 'taskName' | 'inspectionType' | 'dueOn' | 'publishDueOn' | 'inspectionDate' | 'checkIn' | 'approval'> & { markers: Marker[] };

export type Marker = 'overdue' | 'due_soon' | 'publish_overdue' | 'publish_due_soon' | 'late_check_in' | 'missing_check_in' | 'approval_afterwards';

/** What a row is highlighted for (shown as a class and a text marker, not by colour alone). */
export function markersOf(row: Pick<InspectionRecord, 'state' | 'dueOn' | 'publishDueOn' | 'checkIn' | 'inspectionType' | 'approval'>, dates: DueDates): Marker[] {
  const markers: Marker[] = [];
  if (OPEN.includes(row.state)) {
    if (row.dueOn < dates.today) markers.push('overdue');
    else if (row.dueOn <= dates.soon) markers.push('due_soon');
  }
  if (TO_PUBLISH.includes(row.state) && row.publishDueOn) {
    if (row.publishDueOn < dates.today) markers.push('publish_overdue');
    else if (row.publishDueOn <= dates.soon) markers.push('publish_due_soon');
  }
  if (row.checkIn?.via === 'certificate') markers.push('late_check_in');
  if (row.state === 'approved' && row.dueOn < dates.today) markers.push('missing_check_in');
  if (awaitsApprovalAfterwards(row)) markers.push('approval_afterwards');
  return markers;
}

export const PAGE_SIZE = 25;

/** One page of the viewer's inspections, soonest due first. */
export async function listInspections(acting: Acting, filter: InspectionFilter, dates: DueDates): Promise<{ rows: InspectionRow[]; page: PageInfo }> {
  const scope = scopeOf(acting);
  if (!scope) return { rows: [], page: (await windowedPage(1, PAGE_SIZE, async () => [])).page };
  const query = listQuery(scope, filter, dates);
  const sort: Record<string, 1> = filter.view && VIEWS[filter.view].field === 'publishDueOn' ? { publishDueOn: 1, _id: 1 } : { dueOn: 1, _id: 1 };
  const { rows, page } = await windowedPage(filter.page, PAGE_SIZE, (skip, limit) =>
    Inspection.find(query).select(ROW_FIELDS).sort(sort).skip(skip).limit(limit).lean<InspectionRow[]>());
  return { rows: rows.map((row) => ({ ...row, markers: markersOf(row, dates) })), page };
}

/** Counted up to this many per section; beyond it the dashboard says "99+". */
export const SECTION_COUNT_CAP = 99;

export interface DashboardSection { view: DashboardView; count: number; more: boolean }

/** The supervisor's sections with their sizes (each an indexed read of ids, capped). */
export async function dashboard(acting: Acting, dates: DueDates): Promise<DashboardSection[]> {
  const scope = scopeOf(acting);
  if (!scope || acting.role !== 'supervisor') return [];
  return Promise.all(DASHBOARD_VIEWS.map(async (view) => {
    const ids = await Inspection.find(listQuery(scope, { view }, dates)).select('_id').limit(SECTION_COUNT_CAP + 1).lean<{ _id: string }[]>();
    return { view, count: Math.min(ids.length, SECTION_COUNT_CAP), more: ids.length > SECTION_COUNT_CAP };
  }));
}

/** States in which an inspection is still under way (not yet published or closed). */
export const UNDER_WAY: readonly InspectionState[] = INSPECTION_STATES.filter((s) => s !== 'published' && s !== 'closed');
/** States in which the team still has to act: the visit to make or write up, or a returned record to correct. */
const TEAM_TO_ACT: readonly InspectionState[] = [...OPEN, 'returned'];

export interface StateCount { state: InspectionState; count: number; more: boolean }

/**
 * An inspector's start page: how many of their inspections are in each state still under way
 * (each an indexed, capped read of ids, as the dashboard's) and the next `shown` the team has to
 * act on, soonest due first, with their markers.
 */
export async function inspectorOverview(acting: Acting, dates: DueDates, shown = 5): Promise<{ counts: StateCount[]; next: InspectionRow[] }> {
  const scope = scopeOf(acting);
  if (!scope || acting.role !== 'inspector') return { counts: [], next: [] };
  const [counts, next] = await Promise.all([
    Promise.all(UNDER_WAY.map(async (state) => {
      const ids = await Inspection.find(listQuery(scope, { state }, dates)).select('_id').limit(SECTION_COUNT_CAP + 1).lean<{ _id: string }[]>();
      return { state, count: Math.min(ids.length, SECTION_COUNT_CAP), more: ids.length > SECTION_COUNT_CAP };
    })),
    Inspection.find({ ...scope, state: mongoose.trusted({ $in: [...TEAM_TO_ACT] }) }).select(ROW_FIELDS).sort({ dueOn: 1, _id: 1 }).limit(shown).lean<InspectionRow[]>(),
  ]);
  return { counts: counts.filter((c) => c.count > 0), next: next.map((row) => ({ ...row, markers: markersOf(row, dates) })) };
}

export interface YearlyCount {
  /** This inspection's type does not count toward the caps. */
  exempt: boolean;
  /** Which visit of the year this is: by the inspecting department, and by all departments (a joint visit once). */
  department: number;
  overall: number;
}

/** How many inspections of the entity this year, up to and including this one (the notice shows it against the cap). */
export async function yearlyCount(inspection: Pick<InspectionRecord, 'creditCode' | 'year' | 'inspectionType' | 'inspectionDate' | 'departmentCode' | 'entityRunKey'>, exemptTypes: readonly string[]): Promise<YearlyCount> {
  // Bounded: caps are a handful a year; 500 rows is far beyond any real entity's year.
  const rows = await Inspection.find({ creditCode: inspection.creditCode, year: inspection.year })
    .select('entityRunKey departmentCode inspectionType inspectionDate').limit(500)
    .lean<Pick<InspectionRecord, 'entityRunKey' | 'departmentCode' | 'inspectionType' | 'inspectionDate'>[]>();
  const counted = rows.filter((r) => !exemptTypes.includes(r.inspectionType) && r.inspectionDate <= inspection.inspectionDate);
  const visits = (list: typeof counted) => new Set([...list.map((r) => r.entityRunKey), inspection.entityRunKey]).size;
  return {
    exempt: exemptTypes.includes(inspection.inspectionType),
    department: visits(counted.filter((r) => r.departmentCode === inspection.departmentCode)),
    overall: visits(counted),
  };
}

export interface RunRecusalRow {
  seq: number;
  creditCode: string;
  entityName: string;
  inspectorId: string;
  inspectorName: string;
  replacement: string;
  replacementName: string;
  reason: string;
  requestedBy: string;
  /** Who recorded it (the inspector themself, or the supervisor who took the entity's request). */
  byLabel: string;
  at: Date;
}

/**
 * The recusals of one draw, in the order of its record (the run's claims, DRAW-SPEC §8), with the
 * entity's and the inspectors' names — for the supervisors' draw page, which shows them beside
 * the drawn list (the same readers: callers show them only where the list is shown).
 */
export async function runRecusals(runKey: string): Promise<RunRecusalRow[]> {
  // Bounded: at most one claim per drawn team member, and a run's list is read whole anyway.
  const claims = await RecusalClaim.find({ runKey }).sort({ seq: 1 }).limit(5000).lean<RecusalClaimRecord[]>();
  if (claims.length === 0) return [];
  const ids = [...new Set(claims.flatMap((c) => [c.inspectorId, c.replacement]))];
  const codes = [...new Set(claims.map((c) => c.creditCode))];
  const [people, entities] = await Promise.all([
    Inspector.find({ inspectorId: mongoose.trusted({ $in: ids }) }).select('inspectorId name -_id').lean<{ inspectorId: string; name: string }[]>(),
    MarketEntity.find({ creditCode: mongoose.trusted({ $in: codes }) }).select('creditCode name -_id').lean<{ creditCode: string; name: string }[]>(),
  ]);
  const nameOf = new Map(people.map((p) => [p.inspectorId, p.name]));
  const entityOf = new Map(entities.map((e) => [e.creditCode, e.name]));
  return claims.map((c) => ({
    seq: c.seq, creditCode: c.creditCode, entityName: entityOf.get(c.creditCode) ?? '', inspectorId: c.inspectorId, inspectorName: nameOf.get(c.inspectorId) ?? '',
    replacement: c.replacement, replacementName: nameOf.get(c.replacement) ?? '', reason: c.reason, requestedBy: c.requestedBy, byLabel: c.by?.label ?? '', at: c.at,
  }));
}
