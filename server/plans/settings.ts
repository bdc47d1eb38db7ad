// Owns what the plan/task/draw use cases need from outside: the clock, the drand relays (and,
// in tests, the network), the annual frequency caps with their exemptions, the time zone, the
// plan publication deadline — and two switches used only by tests (a controlled clock shared
// by several processes, and a crash point inside the draw). Built once from the config.
import type { Config } from '../config.js';
import type { FetchLike } from '../randomness/index.js';

export interface FrequencyCaps {
  /** Draws of one enterprise per year by one department (0 = no cap). */
  perDepartment: number;
  /** Draws of one enterprise per year by all departments together (0 = no cap). */
  overall: number;
  /** Inspection types that do not count toward the caps (typed exemptions). */
  exemptTypes: string[];
}

export type CrashPoint = 'after-claim' | 'after-results' | 'before-complete';

export interface DrawSettings {
  timeZone: string;
  now: () => Date;
  drandRelays: string[];
  fetch?: FetchLike;
  caps: FrequencyCaps;
  /** MM-DD: default publication deadline of a year's plans. */
  planDeadline: string;
  /** Seconds between a redo's approval and its draw (its drand round is announced for then). */
  redoDelaySeconds: number;
  /** Days from the start of each quarter in which overlapping draws are proposed as joint visits. */
  jointWindowDays: number;
  /** How often the draw job runs (seconds, divides 60). */
  jobIntervalSeconds: number;
  /** Test only: SIGKILL this process at that point of a draw. */
  crashAt?: CrashPoint | undefined;
}

export const DEFAULT_CAPS: FrequencyCaps = { perDepartment: 4, overall: 8, exemptTypes: ['线索核查', '即时'] };

/**
 * A controlled clock "<ISO time>@<real epoch ms>x<rate>": at real time `epoch` it reads the ISO
 * time and runs `rate` times faster. Every process given the same value shares the same clock.
 */
export function parseTestClock(text: string): () => Date {
  const m = /^(.+)@(\d+)x(\d+(?:\.\d+)?)$/.exec(text);
  const start = m ? Date.parse(m[1]!) : NaN;
  if (!m || Number.isNaN(start)) throw new Error(`DRAW_TEST_CLOCK must read <ISO time>@<epoch ms>x<rate>, got ${text}`);
  const epoch = Number(m[2]);
  const rate = Number(m[3]);
  return () => new Date(start + (Date.now() - epoch) * rate);
}

export function drawSettingsFrom(config: Config): DrawSettings {
  return {
    timeZone: config.TIME_ZONE,
    now: config.DRAW_TEST_CLOCK ? parseTestClock(config.DRAW_TEST_CLOCK) : () => new Date(),
    drandRelays: config.DRAND_RELAYS,
    caps: { perDepartment: config.INSPECTION_CAP_PER_DEPARTMENT, overall: config.INSPECTION_CAP_OVERALL, exemptTypes: config.INSPECTION_CAP_EXEMPT_TYPES },
    planDeadline: config.PLAN_PUBLICATION_DEADLINE,
    redoDelaySeconds: 120,
    jointWindowDays: config.JOINT_WINDOW_DAYS,
    crashAt: config.DRAW_TEST_CRASH_AT,
    jobIntervalSeconds: config.DRAW_JOB_INTERVAL_SECONDS,
  };
}

/** Settings for tests and tools: wall clock, no relays, default caps. */
export function defaultDrawSettings(overrides: Partial<DrawSettings> = {}): DrawSettings {
  return {
    timeZone: 'Asia/Shanghai', now: () => new Date(), drandRelays: [], caps: DEFAULT_CAPS, planDeadline: '03-31',
    redoDelaySeconds: 120, jointWindowDays: 5, jobIntervalSeconds: 15, ...overrides,
  };
}
