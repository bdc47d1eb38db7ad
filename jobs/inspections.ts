// The inspections job: every minute on each instance, and once at start-up (the catch-up after a
// crash or downtime), it finishes what a killed process or a scheduled time left owed —
// publishes approved results whose time has come (and approvals a crash cut off before their
// publication), appends the audit entries still waiting in inspections' outboxes, creates the
// inspections of locked draws that lack them — and purges check-page lookups that no longer
// count. Every step is idempotent and safe with several instances on one database: a change is
// one conditional update (a second instance's attempt is refused), audit entries are keyed,
// inspections have deterministic ids.
import type { JobDefinition } from './scheduler.js';
import { purgeCheckLookups } from '../server/inspections/check-throttle.js';
import { createMissingInspections } from '../server/inspections/create.js';
import { flushPendingOutboxes } from '../server/inspections/lifecycle.js';
import { publishDue } from '../server/inspections/review.js';
import type { InspectionSettings } from '../server/inspections/settings.js';

export function inspectionsJob(settings: InspectionSettings): JobDefinition {
  return {
    name: 'inspections',
    schedule: '30 * * * * *',
    runOnStart: true,
    run: async () => {
      await createMissingInspections();
      await publishDue(settings);
      await flushPendingOutboxes();
      await purgeCheckLookups(settings.now());
    },
  };
}
