// Owns what the demo history's steps share: the options, the demo clock handed to the use cases
// (DrawSettings.now / InspectionSettings.now), the two supervisors and the Acting of the roster's
// inspectors, and the step counter through which tests interrupt a load as a killed start would.
import type { Types } from 'mongoose';
import { User } from '../../models/user.js';
import type { InspectionSettings, WorkingDays } from '../inspections/settings.js';
import { actingOf, type Acting } from '../plans/acting.js';
import type { DrawSettings, FrequencyCaps } from '../plans/settings.js';
import { DEMO_DEPARTMENT } from './demo-timeline.js';

export interface DemoHistoryOptions {
  seed: string;
  timeZone: string;
  caps?: FrequencyCaps;
  progress?: (message: string) => void;
  /** The real clock (tests fix it). */
  now?: () => Date;
  calendar?: () => Promise<WorkingDays>;
  /** STATEMENT_WORKING_DAYS: the entity's time to be heard after a submission; reviews approve after it. */
  statementWorkingDays?: number;
  /** How many inspections are taken forward at once (default 4: the audit chain serialises the rest). */
  concurrency?: number;
  /** Tests only: throw DemoInterrupted at the n-th use-case call, as a start killed there would stop. */
  interruptAfter?: number;
}

/** A load stopped by the test hook. */
export class DemoInterrupted extends Error {}

/** A settable clock for the use cases, never ahead of the real one (a demo step never happens in the future). */
export class DemoClock {
  #at = new Date(0);
  constructor(private readonly real: () => Date) {}
  readonly now = (): Date => this.#at;
  set(at: Date): void {
    this.#at = new Date(Math.min(at.getTime(), this.real().getTime() - 60_000));
  }
}

export interface DemoContext {
  options: DemoHistoryOptions;
  real: () => Date;
  calendar: WorkingDays;
  supervisor: Acting;
  reviewer: Acting;
  steps: number;
  progress: (message: string) => void;
}

/** Draw settings on `clock`: offline (no drand relays), the configured caps. */
export function drawSettings(ctx: DemoContext, clock: DemoClock | { now: () => Date }): DrawSettings {
  return {
    timeZone: ctx.options.timeZone, now: clock.now, drandRelays: [], planDeadline: '03-31', redoDelaySeconds: 120, jointWindowDays: 5, jobIntervalSeconds: 15,
    caps: ctx.options.caps ?? { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] },
  };
}

/** Inspection settings on `clock` with the working-day calendar read once for the whole load. */
export function inspectionSettings(ctx: DemoContext, clock: DemoClock): InspectionSettings {
  return {
    timeZone: ctx.options.timeZone, now: clock.now, calendar: async () => ctx.calendar, lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5,
    ...(ctx.options.statementWorkingDays !== undefined ? { statementWorkingDays: ctx.options.statementWorkingDays } : {}),
  };
}

/** Counts a use-case call; the test hook stops the load there. */
export function step(ctx: DemoContext): void {
  ctx.steps += 1;
  if (ctx.options.interruptAfter !== undefined && ctx.steps >= ctx.options.interruptAfter) throw new DemoInterrupted(`interrupted after ${ctx.steps} steps`);
}

export async function supervisorActing(username: string): Promise<Acting> {
  const user = await User.findOne({ username }).select('_id username role departmentCode').lean<{ _id: Types.ObjectId; username: string; role: string; departmentCode: string }>();
  if (!user || user.role !== 'supervisor') throw new Error(`demo history: the supervisor account ${username} is missing`);
  return actingOf({ id: user._id.toString(), username: user.username, role: user.role, departmentCode: user.departmentCode });
}

/** A team member's Acting: the demo world acts for the roster's inspectors (they have no accounts), and says so on the audit trail. */
export const inspectorActing = (inspectorId: string): Acting => ({ actor: { kind: 'system', label: 'demo-world' }, role: 'inspector', departmentCode: DEMO_DEPARTMENT, inspectorId });
