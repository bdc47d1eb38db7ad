// The draw job: every DRAW_JOB_INTERVAL_SECONDS on each instance, and once at start-up (the
// catch-up), it drives due tasks — announce the next slot, fetch sources, draw
// (server/plans/driver.ts). Safe with several instances on one database: every step claims by
// inserting under a unique key.
// It reads the run's report and warns about what will not resolve by waiting: a task that cannot
// be announced, and a due draw whose drand relays are unreachable or serve a bad signature, whose
// lottery entries disagree or are not results, or whose secret is lost (server/plans/source-checks.ts).
// Plain waiting (a round or lottery result not published yet, a second entry to come) is not a
// problem. A problem is logged when it appears or changes, and once more on each start-up run,
// not every DRAW_JOB_INTERVAL_SECONDS while it lasts; the task page shows it all the while.
import type { JobDefinition } from './scheduler.js';
import type { Logger } from '../server/logger.js';
import { driveDraws, type DriveReport } from '../server/plans/driver.js';
import type { DrawSettings } from '../server/plans/settings.js';
import { checksByKey, isProblem } from '../server/plans/source-checks.js';

/** What the job says about one run (the scheduler logs its duration and failures). */
export async function logDriveReport(report: DriveReport, log: Pick<Logger, 'warn' | 'info'>, options: { startup: boolean }): Promise<void> {
  for (const problem of report.problems) log.warn({ problem }, 'draw job: a task cannot be announced');
  const checks = await checksByKey(report.waiting.map((w) => w.key));
  for (const check of checks) {
    const problems = check.sources.filter(isProblem);
    if (problems.length === 0) continue;
    if (!options.startup && check.changedAt.getTime() !== check.at.getTime()) continue;
    log.warn({
      announcement: check.key, taskId: check.taskId.toString(), checkedAt: check.at.toISOString(),
      sources: problems.map((s) => ({ index: s.index, type: s.type, state: s.state, code: s.code, detail: s.detail })),
    }, `draw job: a due draw waits: ${problems.map((s) => s.code).join(', ')}`);
  }
  if (report.drawn.length > 0 || report.announced.length > 0 || report.recovered > 0) {
    log.info({ drawn: report.drawn, announced: report.announced, recovered: report.recovered }, 'draw job: progress');
  }
}

export function drawJob(settings: DrawSettings, logger?: Logger): JobDefinition {
  const n = settings.jobIntervalSeconds;
  const log = logger?.child({ component: 'draws' });
  let first = true;
  return {
    name: 'draws',
    schedule: n >= 60 ? '0 * * * * *' : `*/${n} * * * * *`,
    runOnStart: true,
    run: async () => {
      const startup = first;
      first = false;
      const report = await driveDraws(settings, { startup });
      if (log) await logDriveReport(report, log, { startup });
    },
  };
}
