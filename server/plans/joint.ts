// Owns 综合查一次: within a window — the first JOINT_WINDOW_DAYS working days of the quarter
// (Tianjin draws all planned inspections then and has the platform find the overlaps), counted
// with the working-day calendar (server/calendar/: holidays do not count, 调休 make-up days do) —
// entities drawn by the tasks of several departments are found and proposed for one joint
// visit; accepting a proposal marks those drawn-list rows with one joint-visit id, so the visit
// counts once toward the annual caps (server/plans/caps.ts). The supervisors' page is
// server/routes/supervision-joint.ts.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { recordAuditOnce } from '../audit/chain.js';
import { DrawnEntity } from '../../models/draw-run.js';
import { Task } from '../../models/task.js';
import { workingCalendar } from '../calendar/calendar-store.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { auditContext, type Acting } from './acting.js';
import type { DrawSettings } from './settings.js';
import { dayOf } from '../time.js';

export interface JointRow { id: string; runKey: string; taskId: string; departmentCode: string; drawnOn: string }
export interface JointProposal { creditCode: string; name: string; departments: string[]; rows: JointRow[] }
export interface JointVisit { id: string; creditCode: string; name: string; departments: string[]; rows: JointRow[] }
export interface JointWindow { from: string; to: string }

const DAY_MS = 86_400_000;
const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The window of the quarter containing `now` (YYYY-MM-DD, inclusive): from its first day to its
 * `days`-th working day (the first day counts when it is a working day; the 1 October holidays
 * push the fourth quarter's window into the following week).
 */
export function quarterWindow(now: Date, timeZone: string, days: number, calendar: WorkingCalendar): JointWindow {
  const today = dayOf(now, timeZone);
  const month = Number(today.slice(5, 7));
  const first = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
  // addWorkingDays never counts the day it starts from: start from the day before the quarter.
  return { from: first, to: calendar.addWorkingDays(shiftDay(first, -1), days) };
}

/** This quarter's window with the working-day calendar in effect (package and admins' overrides). */
export async function currentJointWindow(settings: DrawSettings): Promise<JointWindow> {
  return quarterWindow(settings.now(), settings.timeZone, settings.jointWindowDays, await workingCalendar());
}

type Row = { _id: string; runKey: string; taskId: { toString(): string }; creditCode: string; name: string; departmentCode: string; drawnOn: string; jointVisit: string | null };

async function windowRows(w: JointWindow, filter: Record<string, unknown>): Promise<Row[]> {
  return DrawnEntity.find({ role: 'selected', superseded: false, drawnOn: mongoose.trusted({ $gte: w.from, $lte: w.to }), ...filter })
    .select('_id runKey taskId creditCode name departmentCode drawnOn jointVisit').sort({ creditCode: 1, drawnOn: 1, _id: 1 }).lean<Row[]>();
}

function grouped<T extends { creditCode: string; name: string; departments: string[]; rows: JointRow[] }>(rows: Row[], keyOf: (r: Row) => string, make: (r: Row) => T): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) {
    const key = keyOf(r);
    const p = byKey.get(key) ?? make(r);
    p.rows.push({ id: r._id, runKey: r.runKey, taskId: r.taskId.toString(), departmentCode: r.departmentCode, drawnOn: r.drawnOn });
    if (!p.departments.includes(r.departmentCode)) p.departments.push(r.departmentCode);
    byKey.set(key, p);
  }
  return [...byKey.values()];
}

/** Entities drawn (effective draws) by two or more departments within the window, not yet merged. */
export async function jointVisitProposals(settings: DrawSettings, window?: JointWindow): Promise<JointProposal[]> {
  const w = window ?? (await currentJointWindow(settings));
  const rows = await windowRows(w, { jointVisit: null });
  return grouped(rows, (r) => r.creditCode, (r) => ({ creditCode: r.creditCode, name: r.name, departments: [], rows: [] })).filter((p) => p.departments.length > 1);
}

/** The joint visits already merged from draws within the window. */
export async function mergedJointVisits(window: JointWindow): Promise<JointVisit[]> {
  const rows = await windowRows(window, { jointVisit: mongoose.trusted({ $type: 'string' }) });
  return grouped(rows, (r) => r.jointVisit!, (r) => ({ id: r.jointVisit!, creditCode: r.creditCode, name: r.name, departments: [], rows: [] }));
}

const jointVisitId = (creditCode: string, rows: readonly Pick<JointRow, 'id'>[]) =>
  `joint|${creditCode}|${createHash('sha256').update(rows.map((r) => r.id).sort().join('\n')).digest('hex').slice(0, 32)}`;

/**
 * Merges the proposed rows of one entity into one joint visit (a supervisor of one of the
 * departments). Idempotent: the id is derived from the rows, so a second submission — or two
 * supervisors at once — finds the rows already carrying it and changes nothing; the audit
 * event is written once under an id derived from it.
 */
export async function acceptJointVisit(proposal: Pick<JointProposal, 'creditCode' | 'rows'>, acting: Acting): Promise<string> {
  const departments = [...new Set(proposal.rows.map((r) => r.departmentCode))].sort();
  if (departments.length < 2) throw new ValidationError({ rows: 'joint.two_departments' });
  if (acting.role !== 'system' && (acting.role !== 'supervisor' || !departments.includes(acting.departmentCode ?? ''))) throw new ForbiddenError('A supervisor of one of the departments merges the visits.');
  const id = jointVisitId(proposal.creditCode, proposal.rows);
  const ids = proposal.rows.map((r) => r.id);
  await DrawnEntity.updateMany({ _id: mongoose.trusted({ $in: ids }), creditCode: proposal.creditCode, jointVisit: null }, { $set: { jointVisit: id } });
  const merged = await DrawnEntity.countDocuments({ _id: mongoose.trusted({ $in: ids }), creditCode: proposal.creditCode, jointVisit: id });
  if (merged !== ids.length) throw new ConflictError('Some of these draws were merged or changed meanwhile; reload the proposals.');
  await recordAuditOnce(`${id}#accept`, { ...auditContext(acting), action: 'draw.joint_visit', target: { type: 'entity', id: proposal.creditCode }, after: { jointVisit: id, departments, rows: ids.length } });
  return id;
}

/**
 * A supervisor's acceptance of this quarter's proposal for one entity, found on the server
 * (the form sends only the credit code). Submitted again after it was merged, it answers the
 * visit already made (`already`) instead of an error.
 */
export async function acceptJointVisitOf(creditCode: string, acting: Acting, settings: DrawSettings): Promise<{ id: string; already: boolean }> {
  const window = await currentJointWindow(settings);
  const proposal = (await jointVisitProposals(settings, window)).find((p) => p.creditCode === creditCode);
  if (proposal) return { id: await acceptJointVisit(proposal, acting), already: false };
  const visit = (await mergedJointVisits(window)).find((v) => v.creditCode === creditCode && v.departments.includes(acting.departmentCode ?? ''));
  if (visit) return { id: visit.id, already: true };
  throw new NotFoundError('No joint visit is proposed for this entity in this quarter’s window.');
}

export interface JointVisitsOverview {
  window: JointWindow;
  windowDays: number;
  /** Whether today is in the window or past it (the window starts on the quarter's first day). */
  phase: 'open' | 'after';
  /** Proposals and merged visits that involve the reader's department. */
  proposals: JointProposal[];
  merged: JointVisit[];
  /** Number and name of every task the rows come from, by task id. */
  tasks: Record<string, { number: string; name: string }>;
}

/** What a supervisor's page lists: this quarter's window, its proposals and merged visits involving their department. */
export async function jointVisitsOverview(acting: Acting, settings: DrawSettings): Promise<JointVisitsOverview> {
  if (acting.role !== 'supervisor' || !acting.departmentCode) throw new ForbiddenError('Joint visits are proposed to the supervisors of the departments.');
  const mine = (p: { departments: string[] }) => p.departments.includes(acting.departmentCode!);
  const window = await currentJointWindow(settings);
  const [proposals, merged] = await Promise.all([jointVisitProposals(settings, window), mergedJointVisits(window)]);
  const shown = { proposals: proposals.filter(mine), merged: merged.filter(mine) };
  const taskIds = [...new Set([...shown.proposals, ...shown.merged].flatMap((p) => p.rows.map((r) => r.taskId)))];
  const tasks = taskIds.length === 0 ? [] : await Task.find({ _id: mongoose.trusted({ $in: taskIds }) }).select('_id number name').lean<Array<{ _id: { toString(): string }; number: string; name: string }>>();
  const today = dayOf(settings.now(), settings.timeZone);
  return {
    window, windowDays: settings.jointWindowDays, phase: today > window.to ? 'after' : 'open', ...shown,
    tasks: Object.fromEntries(tasks.map((t) => [t._id.toString(), { number: t.number, name: t.name }])),
  };
}
