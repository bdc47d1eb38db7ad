// Owns each role's start page, where signing in lands: what this role can do here, with an
// empty state only where there is nothing yet (plans and draws for supervisors, the inspections
// an inspector's teams are on). Links are shown through can(), so a page never offers what the
// role may not do.
import { Router } from 'express';
import type { Role } from '../../models/user.js';
import { ADMIN, INSPECTOR, SUPERVISOR } from '../access/rules.js';
import { dueDates, inspectorOverview } from '../inspections/queries.js';
import { actingFor } from './inspections-page.js';
import { mount, type FeatureDeps } from './mount.js';
import { supervisorStartRouter } from './plans-start.js';

/** Where a role lands after signing in (when no page asked for the login). */
export const START_PAGES: Readonly<Record<Role, string>> = {
  admin: '/admin',
  supervisor: '/supervisor',
  inspector: '/inspector',
  // The observer's page is the supervision overview (server/routes/supervision.ts).
  observer: '/observer',
};

export function startPageOf(role: Role): string {
  return START_PAGES[role];
}

function startRouter(view: string): () => Router {
  return () => {
    const router = Router();
    router.get('/', (_req, res) => {
      res.render(view);
    });
    return router;
  };
}

export const adminStartMount = mount({ path: START_PAGES.admin, rules: { 'GET /': ADMIN }, router: startRouter('start/admin') });
// The supervisor's page lists their plans and tasks (server/routes/plans-start.ts).
export const supervisorStartMount = mount({ path: START_PAGES.supervisor, rules: { 'GET /': SUPERVISOR }, router: supervisorStartRouter });
export const inspectorStartMount = mount({ path: START_PAGES.inspector, rules: { 'GET /': INSPECTOR }, router: inspectorStartRouter });

/** The inspector's page: their inspections under way, counted by state, and the next due (the same queries as /inspections). */
function inspectorStartRouter({ inspections: settings }: FeatureDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const dates = await dueDates(settings);
    const { counts, next } = await inspectorOverview(await actingFor(req), dates);
    res.render('start/inspector', { counts, next, dates });
  });
  return router;
}
