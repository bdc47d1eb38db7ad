// Owns 综合查一次: within a window (by default the first JOINT_WINDOW_DAYS days of the quarter),
// entities drawn by the tasks of several departments are found and proposed for one joint
// visit; accepting a proposal marks those drawn-list rows with one joint-visit id, so the visit
// counts once toward the annual caps (server/plans/caps.ts).
import mongoose from 'mongoose';
import { recordAudit } from '../audit/chain.js';
import { DrawnEntity } from '../../models/draw-run.js';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { auditContext, type Acting } from './acting.js';
import { localDate } from './schedule.js';
import type { DrawSettings } from './settings.js';

export interface JointProposal { creditCode: string; name: string; departments: string[]; rows: Array<{ id: string; runKey: string; departmentCode: string; drawnOn: string }> }

/** The window of the quarter containing `now`: its first `days` calendar days (YYYY-MM-DD, inclusive). */
export function quarterWindow(now: Date, timeZone: string, days: number): { from: string; to: string } {
  const today = localDate(now, timeZone);
  const month = Number(today.slice(5, 7));
  const first = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
  const to = new Date(Date.parse(`${first}T00:00:00Z`) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from: first, to };
}

/** Entities drawn (effective draws) by two or more departments within the window, not yet merged. */
export async function jointVisitProposals(settings: DrawSettings, window?: { from: string; to: string }): Promise<JointProposal[]> {
  const w = window ?? quarterWindow(settings.now(), settings.timeZone, settings.jointWindowDays);
  const rows = await DrawnEntity.find({ role: 'selected', superseded: false, jointVisit: null, drawnOn: mongoose.trusted({ $gte: w.from, $lte: w.to }) })
    .select('_id runKey creditCode name departmentCode drawnOn').sort({ creditCode: 1 }).lean<Array<{ _id: string; runKey: string; creditCode: string; name: string; departmentCode: string; drawnOn: string }>>();
  const byCode = new Map<string, JointProposal>();
  for (const r of rows) {
    const p = byCode.get(r.creditCode) ?? { creditCode: r.creditCode, name: r.name, departments: [], rows: [] };
    p.rows.push({ id: r._id, runKey: r.runKey, departmentCode: r.departmentCode, drawnOn: r.drawnOn });
    if (!p.departments.includes(r.departmentCode)) p.departments.push(r.departmentCode);
    byCode.set(r.creditCode, p);
  }
  return [...byCode.values()].filter((p) => p.departments.length > 1);
}

/** Merges the proposed rows of one entity into one joint visit (a supervisor of one of the departments). */
export async function acceptJointVisit(proposal: Pick<JointProposal, 'creditCode' | 'rows'>, acting: Acting): Promise<string> {
  const departments = [...new Set(proposal.rows.map((r) => r.departmentCode))];
  if (departments.length < 2) throw new ValidationError({ rows: 'joint.two_departments' });
  if (acting.role !== 'system' && (acting.role !== 'supervisor' || !departments.includes(acting.departmentCode ?? ''))) throw new ForbiddenError('A supervisor of one of the departments merges the visits.');
  const id = `joint|${proposal.creditCode}|${proposal.rows.map((r) => r.id).sort().join(',')}`.slice(0, 400);
  const result = await DrawnEntity.updateMany({ _id: mongoose.trusted({ $in: proposal.rows.map((r) => r.id) }), creditCode: proposal.creditCode, jointVisit: null }, { $set: { jointVisit: id } });
  if (result.modifiedCount !== proposal.rows.length) throw new ConflictError('Some of these draws were merged or changed meanwhile; reload the proposals.');
  await recordAudit({ ...auditContext(acting), action: 'draw.joint_visit', target: { type: 'entity', id: proposal.creditCode }, after: { jointVisit: id, departments, rows: proposal.rows.length } });
  return id;
}
