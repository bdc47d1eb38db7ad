// Owns the admin page of the working-day calendar: the holidays and 调休 make-up working days
// of a year as deadlines count them (the package's and the admins' overrides, marked which is
// which), a warning for this year and next when no arrangement is known, and the forms that
// add, replace or remove an override. Thin: forms go through server/http/forms.ts;
// server/calendar/calendar-store.ts writes and audits.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ADMIN } from '../access/rules.js';
import { changeContext } from '../auth/actor.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { DAY_KINDS, OVERRIDE_YEARS, calendarOverrideSchema, calendarOverview, removeCalendarDay, setCalendarDay } from '../calendar/calendar-store.js';
import { isDay } from '../calendar/working-days.js';
import { NotFoundError } from '../errors.js';
import { attempt, readForm, renderForm, type FormProblem } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { todayIn } from '../time.js';
import type { FeatureDeps } from './mount.js';
import { mount } from './mount.js';
import { queryStrings } from './query-strings.js';

export const calendarAdminMount = mount({
  path: '/admin/calendar',
  rules: {
    'GET /': ADMIN,
    'POST /': ADMIN,
    'POST /:day/remove': ADMIN,
  },
  router: calendarAdminRouter,
});

const yearParams = { min: String(OVERRIDE_YEARS.min), max: String(OVERRIDE_YEARS.max) };
const yearQuerySchema = z.object({
  year: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'invalid_number' })
      .int('invalid_number')
      .refine((year) => year >= OVERRIDE_YEARS.min && year <= OVERRIDE_YEARS.max, { message: 'calendar.year_range', params: yearParams })
      .optional(),
  ),
});

interface PageState {
  /** The year whose days are listed. */
  year: number;
  /** What the forms show (the add form's values after a failure, the year asked for). */
  values?: Record<string, unknown>;
  notice?: string | undefined;
}

/** Renders the page for `state.year`, with the problem of a failed form if any. */
async function renderCalendar(res: Response, thisYear: number, state: PageState, problem?: FormProblem): Promise<void> {
  const { calendar, overrides } = await calendarOverview();
  const coverage = calendar.coverage();
  const shownYears = [...new Set([...coverage.years.filter((y) => y >= thisYear - 3), thisYear, thisYear + 1, state.year])].sort((a, b) => a - b);
  renderForm(
    res,
    'admin/calendar/index',
    {
      year: state.year,
      entries: calendar.entries(state.year),
      stored: new Map(overrides.map((o) => [o.day, o])),
      coverage,
      shownYears,
      missingYears: [thisYear, thisYear + 1].filter((y) => !calendar.covers(y)),
      kinds: DAY_KINDS,
      notice: state.notice,
      values: { year: String(state.year), ...state.values },
    },
    problem,
  );
}

function calendarAdminRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  const thisYear = () => Number(todayIn(timeZone, clock()).slice(0, 4));

  router.get('/', async (req, res) => {
    const query = parseInput(yearQuerySchema, req.query);
    const year = (query.ok ? query.value.year : undefined) ?? thisYear();
    const values = query.ok ? {} : { year: queryStrings(req.query).year ?? '' };
    await renderCalendar(res, thisYear(), { year, values, notice: takeFlash(req) }, query.ok ? undefined : query);
  });

  /** After a failed add: the page again, at the year of the day typed (when it is one). */
  const failed = (req: Request, res: Response, problem: FormProblem) => {
    const typed = typeof req.body?.day === 'string' ? req.body.day.trim() : '';
    const year = isDay(typed) && !problem.fields.day ? Number(typed.slice(0, 4)) : thisYear();
    return renderCalendar(res, thisYear(), { year, values: req.body }, problem);
  };

  router.post('/', async (req, res) => {
    const form = readForm(calendarOverrideSchema, req.body);
    if (!form.ok) return failed(req, res, form);
    const outcome = await attempt(() => setCalendarDay(form.value, changeContext(req)));
    if (!outcome.ok) return failed(req, res, outcome);
    const { day } = form.value;
    setFlash(req, 'flash.calendar.saved');
    res.redirect(303, `/admin/calendar?year=${day.slice(0, 4)}#day-${day}`);
  });

  router.post('/:day/remove', async (req, res) => {
    const day = req.params.day;
    if (!isDay(day)) throw new NotFoundError(`No calendar override for ${day}`);
    await removeCalendarDay(day, changeContext(req));
    setFlash(req, 'flash.calendar.removed');
    res.redirect(303, `/admin/calendar?year=${day.slice(0, 4)}`);
  });
  return router;
}
