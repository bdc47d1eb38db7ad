// Owns the deadline alerts: check-ins filed on certificates (no working code; late filings, and
// whether each was filed within LATE_CHECK_IN_WORKING_DAYS), missing check-ins (approved, the
// due day passed, nobody checked in), publications overdue (the result arose, publishDueOn has
// passed, not published) and results published after their due day. The first three are the
// supervisors' dashboard queries (server/inspections/queries.ts listQuery) with the scope
// widened to every department for observers; every list is capped and counted separately.
// Published-late reads the frozen publication: the database groups the year's results by
// (published day, due day) and only the late groups' rows are read, capped.
import mongoose from 'mongoose';
import { Inspection } from '../../models/inspection.js';
import { dueDates, listQuery, type DashboardView } from '../inspections/queries.js';
import type { InspectionSettings } from '../inspections/settings.js';
import { publishedFilter } from '../statistics/published.js';
import { dayOf } from '../time.js';

export const LIST_CAP = 100;

export interface DeadlineRow {
  id: string;
  creditCode: string;
  entityName: string;
  taskNumber: string;
  departmentCode: string;
  dueOn?: string | undefined;
  publishDueOn?: string | undefined;
  publishedOn?: string | undefined;
  checkInDay?: string | undefined;
  lateReason?: string | undefined;
  /** A certificate check-in filed after LATE_CHECK_IN_WORKING_DAYS working days. */
  filedBeyondLimit?: boolean | undefined;
}

export interface DeadlineList { rows: DeadlineRow[]; total: number }

interface Doc { _id: string; creditCode: string; entityName: string; taskNumber: string; departmentCode: string; dueOn?: string; publishDueOn?: string; checkIn?: { day?: string; lateReason?: string; filedAt?: Date }; publication?: { publishedOn?: string; publishDueOn?: string } }
const FIELDS = 'creditCode entityName taskNumber departmentCode dueOn publishDueOn checkIn.day checkIn.lateReason checkIn.filedAt publication.publishedOn publication.publishDueOn';

const rowOf = (d: Doc): DeadlineRow => ({
  id: d._id, creditCode: d.creditCode, entityName: d.entityName, taskNumber: d.taskNumber, departmentCode: d.departmentCode,
  dueOn: d.dueOn, publishDueOn: d.publication?.publishDueOn ?? d.publishDueOn, publishedOn: d.publication?.publishedOn,
  checkInDay: d.checkIn?.day, lateReason: d.checkIn?.lateReason,
});

async function capped(filter: Record<string, unknown>, sort: Record<string, 1 | -1>): Promise<{ docs: Doc[]; total: number }> {
  const [docs, total] = await Promise.all([
    Inspection.find(filter).select(FIELDS).sort(sort).limit(LIST_CAP).lean<Doc[]>(),
    Inspection.countDocuments(filter),
  ]);
  return { docs, total };
}

export interface Deadlines { lateCheckIns: DeadlineList; missingCheckIns: DeadlineList; publishOverdue: DeadlineList; publishedLate: DeadlineList }

export async function deadlineAlerts(year: number, settings: InspectionSettings, department?: string): Promise<Deadlines> {
  const dates = await dueDates(settings);
  const scope: Record<string, string> = department ? { departmentCode: department } : {};
  const query = (view: DashboardView) => listQuery(scope, { view }, dates);
  const [late, missing, overdue, publishedLate] = await Promise.all([
    capped({ ...query('late_check_in'), year }, { dueOn: -1, _id: 1 }),
    capped(query('missing_check_in'), { dueOn: 1, _id: 1 }),
    capped(query('publish_overdue'), { publishDueOn: 1, _id: 1 }),
    lateAfterPublication({ year, department }),
  ]);
  const calendar = await settings.calendar();
  const lateRows = late.docs.map((d) => {
    const row = rowOf(d);
    // Compared on the day it was filed in TIME_ZONE: 00:30 in Beijing is the next day, not the UTC day before.
    const filed = d.checkIn?.filedAt ? dayOf(d.checkIn.filedAt, settings.timeZone) : undefined;
    if (filed && d.checkIn?.day) row.filedBeyondLimit = filed > calendar.addWorkingDays(d.checkIn.day, settings.lateCheckInWorkingDays);
    return row;
  });
  return {
    lateCheckIns: { rows: lateRows, total: late.total },
    missingCheckIns: { rows: missing.docs.map(rowOf), total: missing.total },
    publishOverdue: { rows: overdue.docs.map(rowOf), total: overdue.total },
    publishedLate,
  };
}

/** The year's results published after their due day (withdrawn ones are not public and not listed). */
async function lateAfterPublication(query: { year: number; department?: string | undefined }): Promise<DeadlineList> {
  const groups = await Inspection.aggregate<{ _id: { p?: string; d?: string }; n: number }>([
    { $match: publishedFilter(query) },
    { $group: { _id: { p: '$publication.publishedOn', d: '$publication.publishDueOn' }, n: { $sum: 1 } } },
  ]);
  const late = groups.filter((g) => g._id.p && g._id.d && g._id.p > g._id.d).sort((a, b) => (a._id.d as string).localeCompare(b._id.d as string));
  const total = late.reduce((sum, g) => sum + g.n, 0);
  if (late.length === 0) return { rows: [], total: 0 };
  const pairs = late.slice(0, LIST_CAP).map((g) => ({ 'publication.publishedOn': g._id.p, 'publication.publishDueOn': g._id.d }));
  const docs = await Inspection.find({ ...publishedFilter(query), $or: mongoose.trusted(pairs) }).select(FIELDS).limit(LIST_CAP).lean<Doc[]>();
  return { rows: docs.map(rowOf), total };
}
