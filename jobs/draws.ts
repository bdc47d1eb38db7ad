// The draw job: every DRAW_JOB_INTERVAL_SECONDS on each instance, and once at start-up (the
// catch-up), it drives due tasks — announce the next slot, fetch sources, draw
// (server/plans/driver.ts). Safe with several instances on one database: every step claims by
// inserting under a unique key.
import type { JobDefinition } from './scheduler.js';
import { driveDraws } from '../server/plans/driver.js';
import type { DrawSettings } from '../server/plans/settings.js';

export function drawJob(settings: DrawSettings): JobDefinition {
  const n = settings.jobIntervalSeconds;
  let first = true;
  return {
    name: 'draws',
    schedule: n >= 60 ? '0 * * * * *' : `*/${n} * * * * *`,
    runOnStart: true,
    run: async () => {
      const startup = first;
      first = false;
      await driveDraws(settings, { startup });
    },
  };
}
