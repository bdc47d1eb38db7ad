// The list of scheduled jobs the app runs. Each entry calls domain code shared with routes.
import type { JobDefinition } from './scheduler.js';

export interface JobContext {
  timeZone: string;
}

export function scheduledJobs(_context: JobContext): JobDefinition[] {
  return [];
}
