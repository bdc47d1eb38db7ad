// Owns the cron scheduler: it registers jobs (each a plain async function that calls the same
// domain code as the routes), runs each without overlap in the configured time zone, logs
// failures through the central logger, and stops them all at shutdown.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../server/logger.js';

export interface JobDefinition {
  name: string;
  /** Cron expression, e.g. "0 2 * * *" for 02:00 every day. */
  schedule: string;
  run: () => Promise<void>;
  /** Also run once as soon as the scheduler starts (catch-up after downtime). */
  runOnStart?: boolean;
}

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs a job now (used by tests and by supervisors' "run now" buttons). */
  runNow(name: string): Promise<void>;
}

export function startScheduler(jobs: JobDefinition[], options: { timeZone: string; logger: Logger }): Scheduler {
  const log = options.logger.child({ component: 'scheduler' });
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const running = new Set<string>();
  const guarded = (job: JobDefinition) => async () => {
    // The start-up run and cron ticks never overlap (node-cron's noOverlap sees only its own).
    if (running.has(job.name)) return;
    running.add(job.name);
    const started = Date.now();
    try {
      await job.run();
      log.info({ job: job.name, ms: Date.now() - started }, 'job finished');
    } catch (error) {
      log.error({ job: job.name, err: error }, 'job failed');
    } finally {
      running.delete(job.name);
    }
  };
  const tasks: ScheduledTask[] = jobs.map((job) => {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression "${job.schedule}"`);
    return cron.schedule(job.schedule, guarded(job), { name: job.name, timezone: options.timeZone, noOverlap: true });
  });
  log.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`) }, 'scheduler started');
  for (const job of jobs) if (job.runOnStart) void guarded(job)();
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        for (const task of tasks) await task.destroy();
      })()),
    runNow: async (name) => {
      const job = byName.get(name);
      if (!job) throw new Error(`no job named ${name}`);
      await guarded(job)();
    },
  };
}
