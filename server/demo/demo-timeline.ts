// Owns the demo world's history as data: which plans and tasks exist, on which days each step of
// their cycle happened (announcement, lottery, draw, approval, check-in, findings, review,
// publication, follow-up), which state each inspection is left in and what was found. Pure: the
// days are placed from an anchor day (the day the demo history was first loaded, kept in its
// marker so that a resumed load places everything where the first one did) and the working-day
// calendar, so the same anchor always gives the same history. server/demo/demo-workflow.ts
// carries it out through the real use cases, on a demo clock set to these times.
import seedrandom from 'seedrandom';
import type { InspectionState } from '../../models/inspection.js';
import type { WorkingDays } from '../inspections/settings.js';
import { instantAt } from '../time.js';

export const DEMO_DEPARTMENT = 'HJ-SCJG';
/** The market supervision bureau and its three offices: the roster the demo tasks draw teams from. */
export const DEMO_TEAM_DEPARTMENTS = ['HJ-SCJG', 'HJ-SCJG-XJ', 'HJ-SCJG-YJ', 'HJ-SCJG-RS'];
/** The lottery game every demo task declares (offline: entered by two supervisors; DRAW-SPEC §14.3). */
export const DEMO_LOTTERY = 'fc3d';

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The instant of local time `hm` (HH:MM) on `day` in `timeZone` (server/time.ts); the history's days and times are always well formed. */
export function localInstant(day: string, hm: string, timeZone: string): Date {
  const at = instantAt(day, hm, timeZone);
  if (!at) throw new Error(`demo timeline: no such local time ${day} ${hm}`);
  return at;
}

/** The working day on or after `day`. */
export function workingDayFrom(calendar: WorkingDays, day: string): string {
  return calendar.addWorkingDays(calendar.addWorkingDays(day, -1), 1);
}

export interface DemoTaskSpec {
  key: 'T1' | 'T2' | 'T3' | 'T4';
  number: string;
  name: string;
  itemCodes: string[];
  targeting: '定向' | '不定向';
  conditions?: Record<string, string[]>;
  strata: { id: string; where: Record<string, string[]>; quota: { count?: number; ratioPpm?: number }; alternates: number }[];
  /** Past tasks run on the demo clock; the future one is announced on the real clock and waits for its draw. */
  past: boolean;
  announceDay: string;
  inspectionDate: string;
  periodEnd: string;
  /** When the draw is scheduled (the morning after the declared lottery's day, for past tasks). */
  drawAt: Date;
  /** The working day the supervisors approve the visits. */
  approvalDay: string;
  /** Follows-up and completion: only for tasks whose every result is published. */
  complete: boolean;
}

const byRisk = (quota: (risk: string) => { count?: number; ratioPpm?: number }) =>
  ['A', 'B', 'C', 'D'].map((risk) => ({ id: `风险${risk}类`, where: { riskClass: [risk] }, quota: quota(risk), alternates: 2 }));

/**
 * The four demo tasks: three past batches (about five months, two and a half months and three
 * weeks before the anchor — recent enough that the third task's results are not yet due for
 * publication, so one can be approved for a later publication within its 20 working days) and
 * one announced for a draw three days after it.
 */
export function demoTasks(anchor: string, calendar: WorkingDays, timeZone: string): DemoTaskSpec[] {
  type Rest = Omit<DemoTaskSpec, 'key' | 'past' | 'announceDay' | 'inspectionDate' | 'periodEnd' | 'drawAt' | 'approvalDay' | 'complete' | 'number'>;
  const past = (key: DemoTaskSpec['key'], daysBefore: number, rest: Rest, complete: boolean, periodDays = 20): DemoTaskSpec => {
    const inspectionDate = workingDayFrom(calendar, addDays(anchor, -daysBefore));
    const announceDay = calendar.addWorkingDays(inspectionDate, -6);
    // Announced at 09:30; the lottery of the next (Beijing) day is declared; drawn the morning after it.
    const drawDay = addDays(announceDay, 2);
    return {
      key, past: true, complete, announceDay, inspectionDate, number: `HJSJ-${inspectionDate.slice(0, 4)}-${key}`,
      periodEnd: calendar.addWorkingDays(inspectionDate, periodDays), drawAt: localInstant(drawDay, '09:30', timeZone),
      approvalDay: calendar.addWorkingDays(drawDay, 1), ...rest,
    };
  };
  const henan: Record<string, number> = { A: 10_000, B: 20_000, C: 100_000, D: 300_000 };
  const light: Record<string, number> = { A: 5_000, B: 10_000, C: 50_000, D: 200_000 };
  const counts: Record<string, number> = { A: 12, B: 10, C: 8, D: 6 };
  const futureDrawDay = addDays(anchor, 3);
  const futureInspection = workingDayFrom(calendar, addDays(futureDrawDay, 7));
  return [
    past('T1', 150, { name: '企业公示信息抽查（第一批）', itemCodes: ['A02'], targeting: '不定向', strata: byRisk((r) => ({ ratioPpm: light[r]! })) }, true),
    past('T2', 80, { name: '计量器具使用抽查（第二批）', itemCodes: ['C02'], targeting: '定向', conditions: { industry: ['C', 'F', 'H'] }, strata: byRisk((r) => ({ ratioPpm: henan[r]! })) }, true),
    // Still under way: a period long enough that the visits left to the demo inspector are not overdue yet.
    past('T3', 22, { name: '公示信息与广告发布行为抽查（第三批）', itemCodes: ['A02', 'C01'], targeting: '不定向', strata: byRisk((r) => ({ count: counts[r]! })) }, false, 35),
    {
      key: 'T4', past: false, complete: false, number: `HJSJ-${futureInspection.slice(0, 4)}-T4`, name: '计量器具使用抽查（第四批）', itemCodes: ['C02'],
      targeting: '不定向', strata: byRisk((r) => ({ ratioPpm: light[r]! })), announceDay: anchor, inspectionDate: futureInspection,
      periodEnd: calendar.addWorkingDays(futureInspection, 20), drawAt: localInstant(futureDrawDay, '10:00', timeZone), approvalDay: futureInspection,
    },
  ];
}

/** What a demo inspection is taken to. 'returned' and 'rejected' are left after a review; 'scheduled' is approved for a later publication. */
export type DemoTarget = Extract<InspectionState, 'assigned' | 'approved' | 'checked_in' | 'findings_entered' | 'submitted' | 'returned' | 'rejected' | 'published' | 'closed'> | 'scheduled';

/** The order in which the states are reached (a target is reached by going through those before it). */
export const STEPS = ['assigned', 'approved', 'checked_in', 'findings_entered', 'confirmed', 'submitted', 'reviewed', 'followed_up'] as const;

/**
 * Targets of the third task's inspections, in drawn order, for those with the demo inspector on
 * their team (`mine`) and the others: the demo inspector finds visits to check in, findings to
 * confirm and a returned record to correct; the supervisors find visits to approve and results
 * to review; the rest is published.
 */
export function thirdTaskTargets(mine: number, others: number): { mine: DemoTarget[]; others: DemoTarget[] } {
  const forMine: DemoTarget[] = ['approved', 'approved', 'returned', 'findings_entered', 'assigned'];
  const forOthers: DemoTarget[] = ['submitted', 'submitted', 'submitted', 'submitted', 'submitted', 'scheduled', 'rejected', 'checked_in', 'approved', 'assigned', 'assigned', 'assigned', 'assigned'];
  const fill = (list: DemoTarget[], n: number) => Array.from({ length: n }, (_, i) => list[i] ?? 'published');
  return { mine: fill(forMine, mine), others: fill(forOthers, others) };
}

/** Result categories of published demo results (codes of the default dictionary), by weight. */
const RESULTS: readonly (readonly [string, number])[] = [
  ['R01', 56], ['R02', 10], ['R05', 12], ['R06', 6], ['R07', 6], ['R08', 5], ['R03', 1], ['R09', 1],
];

/**
 * The overall result of the `index`-th inspection of a task: deterministic. In the finished tasks
 * the fourth is 无法联系 (R04, for the 经营异常名录) and the fifth 未按规定公示 (R02: its entity states its case).
 */
export function demoResult(seed: string, index: number, finished: boolean): string {
  if (finished && index === 3) return 'R04';
  if (finished && index === 4) return 'R02';
  const rng = seedrandom.alea(`${seed}/result/${index}`);
  const total = RESULTS.reduce((s, [, w]) => s + w, 0);
  let point = rng() * total;
  for (const [code, weight] of RESULTS) {
    point -= weight;
    if (point < 0) return code;
  }
  return 'R01';
}

/** Words the inspectors wrote, per result (short, plausible, no personal data). */
export const FINDING_TEXT: Readonly<Record<string, { problems: string; handling: string; followUp: string }>> = {
  R01: { problems: '', handling: '', followUp: 'F01' },
  R02: { problems: '未按规定公示年度报告中的从业人数、资产状况等信息。', handling: '当场告知应予公示的事项并责令限期补报。', followUp: 'F02' },
  R03: { problems: '年度报告公示的经营场所、从业人数与现场核实情况不符。', handling: '依法列入经营异常名录并立案调查。', followUp: 'F03' },
  R04: { problems: '按登记的住所（经营场所）多次实地核查，无法取得联系。', handling: '依法列入经营异常名录。', followUp: 'F05' },
  R05: { problems: '部分计量器具未按期送检；公示信息存在遗漏。', handling: '责令当场改正，已整改完毕。', followUp: 'F02' },
  R06: { problems: '发现涉嫌违法线索，需进一步调查核实。', handling: '已固定证据，移交办案机构。', followUp: 'F03' },
  R07: { problems: '现场未发现开展本次抽查涉及的经营活动。', handling: '记录在案。', followUp: 'F01' },
  R08: { problems: '经营场所已关闭，正在组织清算。', handling: '告知依法办理注销登记。', followUp: 'F05' },
  R09: { problems: '当事人拒不配合检查，情节严重。', handling: '依法记录并移送处理。', followUp: 'F03' },
};

/** Lottery digits the demo's supervisors "read" for a task (demo values: the demo cannot see real lottery results). */
export function demoLotteryDigits(seed: string, taskNumber: string): string {
  const rng = seedrandom.alea(`${seed}/lottery/${taskNumber}`);
  return [0, 1, 2].map(() => String(Math.floor(rng() * 10))).join('');
}
