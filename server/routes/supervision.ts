// Owns the supervision pages (执法监督): the alerts (/supervision/alerts) for supervisors (their
// own department) and observers (every department, or one they choose), and the observer's
// start page (/observer). Observers read; every action route elsewhere stays closed to them by
// the access table, and views offer actions only through can(). Thin: server/supervision/ reads.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { OBSERVER, SUPERVISION } from '../access/rules.js';
import { readsAllDepartments } from '../access/scope.js';
import type { CurrentUser } from '../auth/session.js';
import { renderForm } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { departmentOptions } from '../rosters/departments.js';
import { supervisionAlerts } from '../supervision/alerts.js';
import { todayIn } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';
import { queryStrings } from './query-strings.js';
import { START_PAGES } from './start.js';

export const supervisionMount = mount({
  path: '/supervision',
  rules: { 'GET /alerts': SUPERVISION },
  router: supervisionRouter,
});

export const observerStartMount = mount({
  path: START_PAGES.observer,
  rules: { 'GET /': OBSERVER },
  router: observerStartRouter,
});

const alertsQuery = z.object({
  year: z.string().regex(/^\d{4}$/, 'stats.year_invalid').refine((v) => Number(v) >= 2000 && Number(v) <= 2100, 'stats.year_invalid').optional(),
  department: z.string().max(32, 'too_long').optional(),
});

function supervisionRouter({ clock, timeZone, draws, inspections }: FeatureDeps): Router {
  const router = Router();
  router.get('/alerts', async (req: Request, res: Response) => {
    const user = req.user as CurrentUser;
    const parsed = parseInput(alertsQuery, req.query);
    const strings = queryStrings(req.query);
    const thisYear = Number(todayIn(timeZone, clock()).slice(0, 4));
    const year = parsed.ok && parsed.value.year ? Number(parsed.value.year) : thisYear;
    // A supervisor sees their own department whatever the query says; an observer chooses.
    const readsAll = readsAllDepartments(user.role);
    const department = readsAll ? (parsed.ok && parsed.value.department ? parsed.value.department : undefined) : user.departmentCode;
    const alerts = await supervisionAlerts({ year, department }, { caps: draws.caps, inspections });
    renderForm(res, 'supervision/alerts', {
      alerts, readsAll, departments: await departmentOptions(), years: Array.from({ length: 6 }, (_, i) => String(thisYear - i)),
      values: { year: parsed.ok ? String(year) : strings.year ?? '', department: readsAll ? strings.department ?? '' : user.departmentCode },
    }, parsed.ok ? undefined : parsed);
  });
  return router;
}

function observerStartRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('supervision/observer-start');
  });
  return router;
}
