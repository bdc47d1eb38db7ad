// Owns the alert for repeat inspections inside the exclusion window (避免重复检查): an entity
// inspected again fewer days after an earlier inspection than the later task's repeat window
// (Task.repeatWindowDays, the window its pool excluded recently inspected entities by). The
// inspection day is the check-in day, or the task's inspection date before a check-in. The
// inspections of one joint visit (one entity draw, several departments: same entityRunKey)
// are one visit, not a repeat. Tasks without a window (0) raise nothing.
//
// The database finds the candidates (entities with two or more inspections in the year, a
// $group); only their inspections' dates are read into Node, capped.
import mongoose from 'mongoose';
import { Inspection } from '../../models/inspection.js';
import { Task } from '../../models/task.js';

export interface RepeatAlert {
  creditCode: string;
  name: string;
  earlier: { day: string; taskNumber: string; departmentCode: string };
  later: { day: string; taskNumber: string; departmentCode: string; id: string };
  gapDays: number;
  windowDays: number;
}

const CANDIDATES = 500;

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);

interface Row { _id: string; creditCode: string; entityName: string; taskId: unknown; taskNumber: string; departmentCode: string; entityRunKey: string; inspectionDate: string; checkIn?: { day?: string } }

export async function repeatInspections(year: number, department?: string): Promise<RepeatAlert[]> {
  const candidates = await Inspection.aggregate<{ _id: string; n: number }>([
    { $match: { year } },
    { $group: { _id: '$creditCode', n: { $sum: 1 } } },
    { $match: { n: mongoose.trusted({ $gte: 2 }) } },
    { $limit: CANDIDATES },
  ]);
  if (candidates.length === 0) return [];
  const rows = await Inspection.find({ year, creditCode: mongoose.trusted({ $in: candidates.map((c) => c._id) }) })
    .select('creditCode entityName taskId taskNumber departmentCode entityRunKey inspectionDate checkIn.day').limit(CANDIDATES * 20).lean<Row[]>();
  const tasks = await Task.find({ _id: mongoose.trusted({ $in: [...new Set(rows.map((r) => String(r.taskId)))] }) }).select('repeatWindowDays').lean<{ _id: unknown; repeatWindowDays?: number }[]>();
  const windowOf = new Map(tasks.map((t) => [String(t._id), t.repeatWindowDays ?? 0]));
  const byEntity = new Map<string, Row[]>();
  for (const row of rows) byEntity.set(row.creditCode, [...(byEntity.get(row.creditCode) ?? []), row]);
  const alerts: RepeatAlert[] = [];
  for (const [code, list] of byEntity) {
    const visits = list.map((r) => ({ ...r, day: r.checkIn?.day ?? r.inspectionDate })).sort((a, b) => a.day.localeCompare(b.day) || a._id.localeCompare(b._id));
    for (let i = 1; i < visits.length; i += 1) {
      const later = visits[i]!;
      // The nearest earlier inspection that is another visit (not the same joint draw).
      const earlier = visits.slice(0, i).reverse().find((v) => v.entityRunKey !== later.entityRunKey);
      if (!earlier) continue;
      const windowDays = windowOf.get(String(later.taskId)) ?? 0;
      const gapDays = dayNumber(later.day) - dayNumber(earlier.day);
      if (windowDays <= 0 || gapDays >= windowDays) continue;
      if (department && later.departmentCode !== department && earlier.departmentCode !== department) continue;
      alerts.push({
        creditCode: code, name: later.entityName,
        earlier: { day: earlier.day, taskNumber: earlier.taskNumber, departmentCode: earlier.departmentCode },
        later: { day: later.day, taskNumber: later.taskNumber, departmentCode: later.departmentCode, id: later._id },
        gapDays, windowDays,
      });
    }
  }
  return alerts.sort((a, b) => a.gapDays - b.gapDays || a.creditCode.localeCompare(b.creditCode));
}
