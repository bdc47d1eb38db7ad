// Owns what the inspection use cases need from outside: the clock, the time zone, the working-
// day calendar (deadlines are counted in working days) and the configurable limits. Built once
// from the config; tests pass their own clock and calendar.
import type { Config } from '../config.js';
import { attachmentLimitsFrom, type AttachmentLimits } from '../attachments/limits.js';

/** The working-day arithmetic the deadlines need (server/calendar/ provides it). */
export interface WorkingDays {
  /** The day `n` working days after `day` (the start day itself is not counted). */
  addWorkingDays(day: string, n: number): string;
  /** Working days after `from` up to and including `to` (≤ 0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number;
}

export interface InspectionSettings {
  timeZone: string;
  now: () => Date;
  calendar: () => Promise<WorkingDays>;
  /** A check-in without a working code is filed within this many working days of the visit. */
  lateCheckInWorkingDays: number;
  /** Results are published within this many working days of the day they arose. */
  publishWithinWorkingDays: number;
  /** The supervisors' dashboard marks deadlines within this many working days as due soon. */
  dueSoonWorkingDays: number;
  /** Config PUBLIC_RESULTS_SHOW_INSPECTORS: public result pages name the team (default: no). */
  showInspectorsOnResults?: boolean;
  /** Limits of the findings' attachments (ATTACHMENT_MAX_MB); absent: DEFAULT_ATTACHMENT_LIMITS. */
  attachments?: AttachmentLimits;
  /**
   * The entity may state its case within this many working days of a submission, and approval
   * waits for it (STATEMENT_WORKING_DAYS, which always has a value: default 5; server/inspections/statement.ts).
   * Absent — settings built without the config, as most tests of other steps do — there is no
   * statement period: no statements, and approval never waits.
   */
  statementWorkingDays?: number;
}

type Limits = Pick<Config, 'TIME_ZONE' | 'LATE_CHECK_IN_WORKING_DAYS' | 'PUBLISH_WITHIN_WORKING_DAYS' | 'ATTACHMENT_MAX_MB' | 'PUBLIC_RESULTS_SHOW_INSPECTORS' | 'STATEMENT_WORKING_DAYS'>;

/** The configured limits (defaults: 3 and 20 working days, Asia/Shanghai) with this clock and calendar. */
export function inspectionSettingsFrom(config: Partial<Limits>, calendar: () => Promise<WorkingDays>, now: () => Date = () => new Date()): InspectionSettings {
  return {
    timeZone: config.TIME_ZONE ?? 'Asia/Shanghai',
    now,
    calendar,
    lateCheckInWorkingDays: config.LATE_CHECK_IN_WORKING_DAYS ?? 3,
    publishWithinWorkingDays: config.PUBLISH_WITHIN_WORKING_DAYS ?? 20,
    dueSoonWorkingDays: 5,
    showInspectorsOnResults: config.PUBLIC_RESULTS_SHOW_INSPECTORS ?? false,
    ...(config.STATEMENT_WORKING_DAYS !== undefined ? { statementWorkingDays: config.STATEMENT_WORKING_DAYS } : {}),
    ...(config.ATTACHMENT_MAX_MB !== undefined ? { attachments: attachmentLimitsFrom({ ATTACHMENT_MAX_MB: config.ATTACHMENT_MAX_MB }) } : {}),
  };
}
