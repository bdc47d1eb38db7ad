// The list of scheduled jobs the app runs. Each entry calls domain code shared with routes.
import type { JobDefinition } from './scheduler.js';
import { purgeExpiredAuthData } from '../server/auth/session-store.js';
import { purgeImportFiles } from '../server/import/retention.js';
import { purgeAttachments } from '../server/attachments/purge.js';
import { drawJob } from './draws.js';
import { inspectionsJob } from './inspections.js';
import type { InspectionSettings } from '../server/inspections/settings.js';
import type { DrawSettings } from '../server/plans/settings.js';
import type { Logger } from '../server/logger.js';

export interface JobContext {
  timeZone: string;
  /** DATA_DIR: where uploads and import error reports are kept. */
  dataDir: string;
  /** Defaults to the wall clock; tests pass their own. */
  now?: () => Date;
  /** The draw job's settings (relays, caps, its own clock); without them it does not run. */
  draws?: DrawSettings;
  /** Clock, time zone and working-day calendar of the inspections job; without them it does not run. */
  inspections?: InspectionSettings;
  /** Where jobs report what they found (the draw job: sources that block a due draw). */
  logger?: Logger;
}

export function scheduledJobs(context: JobContext): JobDefinition[] {
  const now = context.now ?? (() => new Date());
  return [
    {
      // No TTL index (FerretDB cannot create one): expired sessions and old login attempts are
      // deleted here, on MongoDB too. Expired sessions are already refused on read.
      name: 'purge-expired-sessions',
      schedule: '*/10 * * * *',
      run: async () => {
        await purgeExpiredAuthData(now());
      },
    },
    {
      // Uploads and error reports are kept only as long as stated in server/import/retention.ts.
      name: 'purge-import-files',
      schedule: '17 * * * *',
      run: async () => {
        await purgeImportFiles(context.dataDir, now());
      },
    },
    {
      // Attachments a killed process left half-stored or half-removed (server/attachments/purge.ts).
      name: 'purge-attachments',
      schedule: '41 * * * *',
      run: async () => {
        await purgeAttachments(now());
      },
    },
    ...(context.draws ? [drawJob(context.draws, context.logger)] : []),
    ...(context.inspections ? [inspectionsJob(context.inspections)] : []),
  ];
}
