// Owns the task form (抽查任务): its fields, how they become a TaskInput for createTask, and which
// form field shows each of the use case's field codes. Three stratum rows cover the usual
// designs (all, or by risk class); conditions and lists are typed as "A、B、C".
import { z } from 'zod';
import { DRAWN_INSPECTION_TYPES, TASK_INSPECTION_TYPES, TASK_TARGETING } from '../../models/task.js';
import { checkbox, text, type FormProblem } from '../http/forms.js';
import type { StratumSpec, TaskInput } from '../plans/tasks.js';
import { listOf } from './plans-forms.js';
import { fromDateTimeLocal } from '../time.js';

export const STRATUM_ROWS = [0, 1, 2] as const;

const list = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(64, 'too_long')).max(200, 'too_long'));
const stratumFields = Object.fromEntries(STRATUM_ROWS.flatMap((i) => [
  [`s${i}Id`, text(64)], [`s${i}Risk`, text(200)], [`s${i}Count`, text(9)], [`s${i}Ratio`, text(12)], [`s${i}Alternates`, text(6)],
]));

export const taskForm = z.object({
  planKey: text(32), number: text(64), name: text(200), itemCodes: list, targeting: text(8),
  condRiskClass: text(200), condIndustry: text(200), condRegion: text(500), condSpecialRoster: text(500),
  inspectionType: text(8), inspectionDate: text(10), periodStart: text(10), periodEnd: text(10),
  participatingDepartments: list, joint: checkbox(), publishList: checkbox(), repeatWindowDays: text(6),
  scheduleAt: text(20), scheduleCron: text(100),
  drand: checkbox(), lotteryGame: text(16), commitReveal: checkbox(),
  teamSize: text(3), maxAssignments: text(4), qualifications: text(500),
  ...stratumFields,
});
export type TaskForm = z.output<typeof taskForm>;

/** The use case's field paths → the form field that shows them. */
export const TASK_FIELD_NAMES: Record<string, string> = {
  'schedule.cron': 'scheduleCron', 'sources.lotteryGame': 'lotteryGame', sources: 'drand', assignment: 'teamSize',
  ...Object.fromEntries(STRATUM_ROWS.flatMap((i) => [[`strata.${i}.quota`, `s${i}Count`], [`strata.${i}.where`, `s${i}Risk`]])),
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const whole = (s: string) => (/^\d+$/.test(s) ? Number(s) : NaN);

function conditionsOf(f: TaskForm): Record<string, string[]> {
  const c: Record<string, string[]> = {};
  const add = (key: string, value: string) => { const v = listOf(value); if (v.length) c[key] = v; };
  add('riskClass', f.condRiskClass); add('industry', f.condIndustry); add('region', f.condRegion); add('specialRoster', f.condSpecialRoster);
  return c;
}

/** The form as a TaskInput, or the problems only the form can see (numbers, dates, schedule). */
export function taskInput(f: TaskForm, timeZone: string): { ok: true; value: TaskInput } | ({ ok: false } & FormProblem) {
  const fields: Record<string, string> = {};
  const field = (row: number, name: string) => String((f as Record<string, unknown>)[`s${row}${name}`] ?? '').trim();
  const strata: StratumSpec[] = [];
  for (const i of STRATUM_ROWS) {
    const [id, risk, count, ratio, alternates] = ['Id', 'Risk', 'Count', 'Ratio', 'Alternates'].map((n) => field(i, n)) as [string, string, string, string, string];
    if (!id && !risk && !count && !ratio && !alternates) continue;
    if (!id) { fields[`s${i}Id`] = 'required'; continue; }
    const quota: StratumSpec['quota'] = {};
    if (count) { if (Number.isNaN(whole(count))) fields[`s${i}Count`] = 'invalid_number'; else quota.count = whole(count); }
    if (ratio) {
      const pct = Number(ratio.replace(/%$/, ''));
      if (!(pct >= 0 && pct <= 100)) fields[`s${i}Ratio`] = 'task.ratio'; else quota.ratioPpm = Math.round(pct * 10_000);
    }
    if (alternates && Number.isNaN(whole(alternates))) fields[`s${i}Alternates`] = 'invalid_number';
    const riskClasses = listOf(risk);
    strata.push({ id, quota, alternates: alternates ? whole(alternates) : 0, ...(riskClasses.length ? { where: { riskClass: riskClasses } } : {}) });
  }
  for (const name of ['periodStart', 'periodEnd'] as const) if (f[name] && !DATE.test(f[name])) fields[name] = 'invalid_date';
  const at = f.scheduleAt ? fromDateTimeLocal(f.scheduleAt, timeZone) : null;
  if (f.scheduleAt && !at) fields.scheduleAt = 'invalid_date';
  // Only 日常 and 专项 are drawn: a 线索核查 or 即时 task has no draw to schedule.
  if ((DRAWN_INSPECTION_TYPES as readonly string[]).includes(f.inspectionType) && !f.scheduleAt && !f.scheduleCron.trim()) fields.scheduleAt = 'task.schedule_required';
  const repeat = f.repeatWindowDays ? whole(f.repeatWindowDays) : 0;
  if (Number.isNaN(repeat)) fields.repeatWindowDays = 'invalid_number';
  const teamSize = f.teamSize ? whole(f.teamSize) : 0;
  const maxAssignments = f.maxAssignments ? whole(f.maxAssignments) : 1;
  if (Number.isNaN(teamSize)) fields.teamSize = 'invalid_number';
  if (Number.isNaN(maxAssignments)) fields.maxAssignments = 'invalid_number';
  if (f.targeting === '定向' && Object.keys(conditionsOf(f)).length === 0) fields.condRiskClass = 'task.conditions_required';
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  const qualifications = listOf(f.qualifications);
  return {
    ok: true,
    value: {
      number: f.number, name: f.name, planKey: f.planKey, itemCodes: f.itemCodes,
      targeting: f.targeting as TaskInput['targeting'], inspectionType: f.inspectionType as TaskInput['inspectionType'],
      ...(f.targeting === '定向' ? { conditions: conditionsOf(f) } : {}),
      strata, repeatWindowDays: repeat, inspectionDate: f.inspectionDate,
      ...(f.periodStart ? { periodStart: f.periodStart } : {}), ...(f.periodEnd ? { periodEnd: f.periodEnd } : {}),
      participatingDepartments: f.participatingDepartments, joint: f.joint, publishList: f.publishList,
      schedule: { ...(at ? { at } : {}), ...(f.scheduleCron.trim() ? { cron: f.scheduleCron.trim() } : {}) },
      sources: { drand: f.drand, ...(f.lotteryGame ? { lotteryGame: f.lotteryGame } : {}), commitReveal: f.commitReveal },
      ...(teamSize ? { assignment: { teamSize, maxAssignmentsPerInspector: maxAssignments, ...(qualifications.length ? { requiredQualifications: qualifications } : {}) } } : {}),
    },
  };
}

export const TASK_CHOICES = { types: TASK_INSPECTION_TYPES, targetings: TASK_TARGETING, strata: STRATUM_ROWS };

/** A new task's form: one stratum of 5 with 2 alternates, drand on, teams of two. */
export const NEW_TASK_VALUES = { targeting: '不定向', inspectionType: '日常', drand: true, s0Id: 'all', s0Count: '5', s0Alternates: '2', teamSize: '2', maxAssignments: '5' };
