// Owns the inspections nobody draws: 线索核查 (a complaint or referral: "有事必查") and 即时 (an
// emergency or a monitoring alert) — tasks of these types are never drawn (models/task.ts), so
// a supervisor of the task's department creates each inspection: the entity by its credit code
// from the roster, a team of at least two inspectors of the department, each 有效, holding a
// certificate valid on the inspection date and without a declared conflict with the entity —
// assigned by the supervisor, not drawn (the record says so, with the clue or reason given) —
// and the task's items. The first member chosen leads the team (组长, models/inspection.ts).
//
// Exactly once: the form carries a token made when it was shown, and the inspection's id is
// "adhoc|<task>|<credit code>|<token>" — a resubmitted form (or a retry after a crash) meets
// the same id and gets the inspection made the first time. The document is inserted with its
// audit entry in `outbox` (lifecycle.ts), so a process killed after the insert still has the
// creation appended to the chain, once, by the sweep.
//
// Approval: 线索核查 is approved before entry like a planned inspection; 即时 may be carried out
// first (checked in on certificates) and approved afterwards (approval.ts, flagged as such).
// Caps: a type listed in INSPECTION_CAP_EXEMPT_TYPES (default 线索核查, 即时 — Chongqing's rule)
// is outside the annual caps, as the draws count them (server/plans/caps.ts). Where a type is
// not exempt, an entity at a cap is refused here, by the same count the freeze uses (caps.ts
// capCounts: its drawn visits and its non-exempt ad-hoc inspections of the year).
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { Inspector } from '../../models/inspector.js';
import { MarketEntity } from '../../models/market-entity.js';
import { creditCodeProblem, normaliseCreditCode } from '../../models/credit-code.js';
import type { TaskRecord } from '../../models/task.js';
import { ConflictError, ForbiddenError, ValidationError, isDuplicateKeyError, type FieldErrors } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { capCounts } from '../plans/caps.js';
import type { FrequencyCaps } from '../plans/settings.js';
import { loadTask } from '../plans/tasks.js';
import { formatDay, todayIn } from '../time.js';
import { flushOutbox, loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

/** The task types whose inspections a supervisor creates (the others are drawn). */
export const AD_HOC_TYPES: readonly string[] = ['线索核查', '即时'];
export const MIN_TEAM = 2;
export const MAX_TEAM = 10;

export const isAdHocTask = (task: Pick<TaskRecord, 'inspectionType'>) => AD_HOC_TYPES.includes(task.inspectionType);

/** A fresh form token (128 random bits, hex): one per form shown. */
export const newFormToken = () => randomBytes(16).toString('hex');

export interface AdHocInput {
  creditCode: string;
  /** The team leader (组长): first in the team. */
  leader: string;
  /** The other members (the leader among them is ignored). */
  members: string[];
  inspectionDate: string;
  reason: string;
  formToken: string;
}

interface InspectorRow { inspectorId: string; name: string; departmentCode: string; status: string; certificates: { number: string; validFrom: Date; validUntil: Date }[]; conflicts: { creditCode: string }[] }

/** An inspector of the department as the form lists them: whether they may inspect on `day`. */
export interface Assignable { inspectorId: string; name: string; certificate: string; validUntil: string; valid: boolean }

const validOn = (row: Pick<InspectorRow, 'certificates'>, day: string) => row.certificates.find((c) => formatDay(c.validFrom) <= day && day <= formatDay(c.validUntil));

/** The department's 有效 inspectors (name order) with the certificate valid on `day`, if any. */
export async function assignableInspectors(departmentCode: string, day: string): Promise<Assignable[]> {
  // Bounded: a department's roster is tens to a few hundred people.
  const rows = await Inspector.find({ departmentCode, status: '有效' }).sort({ name: 1, inspectorId: 1 }).limit(1000)
    .select('inspectorId name certificates -_id').lean<Pick<InspectorRow, 'inspectorId' | 'name' | 'certificates'>[]>();
  return rows.map((row) => {
    const valid = validOn(row, day);
    const shown = valid ?? [...row.certificates].sort((a, b) => b.validUntil.getTime() - a.validUntil.getTime())[0];
    return { inspectorId: row.inspectorId, name: row.name, certificate: shown?.number ?? '', validUntil: shown ? formatDay(shown.validUntil) : '', valid: Boolean(valid) };
  });
}

/** The task, for a supervisor of its department, if inspections are created for it by hand. */
export async function adHocTask(taskId: string, acting: Acting): Promise<TaskRecord> {
  const task = await loadTask(taskId);
  if (acting.role !== 'supervisor' || acting.departmentCode !== task.departmentCode) {
    throw new ForbiddenError('Only a supervisor of the task\'s department creates its inspections.').localized({ key: 'inspections.adHoc.error.supervisorOnly' });
  }
  if (!isAdHocTask(task)) throw new ConflictError('This task is drawn: its inspections come from its draws.').localized({ key: 'inspections.adHoc.error.drawnTask' }, 'task_drawn');
  if (task.status === '已完成') throw new ConflictError('The task is completed.').localized({ key: 'inspections.adHoc.error.completed' }, 'task_completed');
  return task;
}

const isDay = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && formatDay(new Date(`${text}T00:00:00Z`)) === text;

/** Why each assigned member may not inspect the entity on the day (field `team`, the first problem). */
async function teamProblem(team: string[], task: TaskRecord, creditCode: string, day: string): Promise<{ code: string; inspector?: string } | null> {
  if (team.length < MIN_TEAM) return { code: 'adhoc.team_size' };
  if (team.length > MAX_TEAM) return { code: 'adhoc.team_too_large' };
  const rows = await Inspector.find({ inspectorId: mongoose.trusted({ $in: team }) })
    .select('inspectorId name departmentCode status certificates conflicts -_id').lean<InspectorRow[]>();
  const byId = new Map(rows.map((r) => [r.inspectorId, r]));
  for (const id of team) {
    const row = byId.get(id);
    if (!row || row.departmentCode !== task.departmentCode) return { code: 'adhoc.not_in_department', inspector: id };
    if (row.status !== '有效') return { code: 'inspector_inactive', inspector: row.name };
    if (!validOn(row, day)) return { code: 'certificate_invalid', inspector: row.name };
    if ((row.conflicts ?? []).some((c) => c.creditCode === creditCode)) return { code: 'adhoc.conflict', inspector: row.name };
  }
  return null;
}

/** Refuses an entity at an annual cap when the task's type is not exempt (caps.ts capCounts: drawn and ad-hoc, as the freeze counts). */
async function capProblem(task: TaskRecord, creditCode: string, year: number, caps: FrequencyCaps): Promise<{ code: string; count: number; cap: number } | null> {
  if (caps.exemptTypes.includes(task.inspectionType) || (caps.overall === 0 && caps.perDepartment === 0)) return null;
  const counted = (await capCounts(year, caps, new Set([creditCode]))).get(creditCode) ?? { overall: 0, byDepartment: {} };
  const department = counted.byDepartment[task.departmentCode] ?? 0;
  const overall = counted.overall;
  if (caps.perDepartment > 0 && department >= caps.perDepartment) return { code: 'adhoc.at_cap_department', count: department, cap: caps.perDepartment };
  if (caps.overall > 0 && overall >= caps.overall) return { code: 'adhoc.at_cap_overall', count: overall, cap: caps.overall };
  return null;
}

interface Checked { creditCode: string; team: string[]; day: string; reason: string; entity: { name: string; address?: string } }

/** The form's values checked against the roster and the rules; every problem at once, by field. */
async function checkInput(task: TaskRecord, input: AdHocInput, caps: FrequencyCaps): Promise<Checked> {
  const fields: FieldErrors = {};
  const params: Record<string, Record<string, string | number>> = {};
  const creditCode = normaliseCreditCode(input.creditCode);
  const reason = input.reason.trim();
  const day = input.inspectionDate.trim();
  const leader = input.leader.trim();
  const team = [...new Set([leader, ...input.members].filter((m) => m !== ''))];
  if (leader === '') fields.leader = 'required';
  if (creditCode === '') fields.creditCode = 'required';
  else if (creditCodeProblem(creditCode)) fields.creditCode = `credit_code.${creditCodeProblem(creditCode)}`;
  if (reason === '') fields.reason = 'required';
  else if (reason.length > 2000) [fields.reason, params.reason] = ['too_long', { max: 2000 }];
  if (!isDay(day)) fields.inspectionDate = day === '' ? 'required' : 'invalid_date';
  const entity = fields.creditCode ? null : await MarketEntity.findOne({ creditCode }).select('name address active -_id').lean<{ name: string; address?: string; active?: boolean }>();
  if (!fields.creditCode && (!entity || entity.active === false)) fields.creditCode = 'adhoc.not_on_roster';
  if (!fields.inspectionDate && !fields.leader) {
    const problem = await teamProblem(team, task, creditCode, day);
    if (problem) [fields.team, params.team] = [problem.code, { inspector: problem.inspector ?? '' }];
  }
  if (!fields.inspectionDate && !fields.creditCode) {
    const cap = await capProblem(task, creditCode, Number(day.slice(0, 4)), caps);
    if (cap) [fields.creditCode, params.creditCode] = [cap.code, { count: cap.count, cap: cap.cap }];
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields, undefined, params);
  return { creditCode, team, day, reason, entity: entity! };
}

/**
 * Creates the inspection of a 线索核查 or 即时 task for one entity, or returns the one this form
 * (its token) already created. Field problems come back as a ValidationError on creditCode,
 * leader, team, inspectionDate, reason or formToken.
 */
export async function createAdHocInspection(taskId: string, input: AdHocInput, acting: Acting, settings: InspectionSettings, caps: FrequencyCaps): Promise<InspectionRecord> {
  const task = await adHocTask(taskId, acting);
  if (!/^[0-9a-f]{32}$/.test(input.formToken)) throw new ValidationError({ formToken: 'invalid' });
  const id = `adhoc|${task._id.toString()}|${normaliseCreditCode(input.creditCode)}|${input.formToken}`;
  // A form sent again (double click, reload, retry after a crash): the inspection it made.
  if (await Inspection.exists({ _id: id })) return finish(id);
  const { creditCode, team, day, reason, entity } = await checkInput(task, input, caps);
  const now = settings.now();
  const doc = {
    _id: id, runKey: id, entityRunKey: id, taskId: task._id, taskNumber: task.number, taskName: task.name, planKey: task.planKey,
    departmentCode: task.departmentCode, inspectionType: task.inspectionType, adHoc: { reason, by: acting.actor, at: now }, year: Number(day.slice(0, 4)),
    creditCode, entityName: entity.name, entityAddress: entity.address ?? '', itemCodes: task.itemCodes ?? [], team, inspectionDate: day,
    dueOn: task.periodEnd && task.periodEnd > day ? task.periodEnd : day, state: 'assigned', version: 1, revision: 0, visit: 1,
    findings: [], confirmations: [], reviews: [], corrections: [], recusals: [], abnormalListHandoff: false,
    // The creation's audit entry travels with the document (appended once, by finish or the sweep).
    outbox: [{
      id: `${id}#1`, action: 'inspection.create_ad_hoc', actor: acting.actor, ...(acting.requestId ? { requestId: acting.requestId } : {}), at: now,
      after: { inspection: id, creditCode, task: task.number, inspectionType: task.inspectionType, team, leader: team[0], inspectionDate: day, reason, assigned: true },
    }],
    outboxPending: true, createdAt: now, updatedAt: now,
  };
  try {
    await Inspection.collection.insertOne(doc as never);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error; // the same form, sent twice at once: the other made it
  }
  return finish(id);
}

/** Appends the creation's audit entry (once, keyed by the id) and returns the inspection. */
async function finish(id: string): Promise<InspectionRecord> {
  await flushOutbox(id);
  return loadInspection(id);
}

/** The ad-hoc form's day to start with: today in the app's time zone. */
export const adHocStartDay = (settings: InspectionSettings) => todayIn(settings.timeZone, settings.now());
