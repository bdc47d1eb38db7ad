// Owns the public statistics page (/statistics): results per month, by category, coverage per
// risk class, industry and region against the plans' ratios, and publication timeliness, for a
// year and optionally one department — published data only, charts drawn as SVG on the server
// (server/statistics/). Served through the public cache: a publication invalidates it.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { publicCache } from '../http/public-cache.js';
import { renderForm } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { departmentOptions } from '../rosters/departments.js';
import { statistics, REGION_CHART_ROWS } from '../statistics/index.js';
import type { Dimension } from '../statistics/coverage.js';
import { todayIn } from '../time.js';
import type { Translate } from '../i18n/index.js';
import { mount, type FeatureDeps } from './mount.js';
import { queryStrings } from './query-strings.js';

export const statisticsMount = mount({
  path: '/statistics',
  rules: { 'GET /': 'public' },
  router: statisticsRouter,
});

const statsQuery = z.object({
  year: z.string().regex(/^\d{4}$/, 'stats.year_invalid').refine((v) => Number(v) >= 2000 && Number(v) <= 2100, 'stats.year_invalid').optional(),
  department: z.string().max(32, 'too_long').optional(),
});

/** A dimension value in the page's language: risk class "A" → "A 类", industry "C" → "C 制造业". */
export function dimensionLabel(t: Translate): (dim: Dimension, value: string) => string {
  return (dim, value) => {
    if (dim === 'riskClass') return t('stats.riskClass.value', { value });
    if (dim === 'industry') return `${value} ${t(`industry.${value}`)}`;
    return value;
  };
}

function statisticsRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  router.get('/', publicCache(), async (req: Request, res: Response) => {
    const parsed = parseInput(statsQuery, req.query);
    const { year = '', department = '' } = queryStrings(req.query);
    const thisYear = Number(todayIn(timeZone, clock()).slice(0, 4));
    const chosenYear = parsed.ok && parsed.value.year ? Number(parsed.value.year) : thisYear;
    const chosenDepartment = parsed.ok && parsed.value.department ? parsed.value.department : undefined;
    const departments = await departmentOptions();
    const stats = await statistics({ year: chosenYear, department: chosenDepartment }, dimensionLabel(res.locals.t as Translate));
    const years = Array.from({ length: 6 }, (_, i) => String(thisYear - i));
    renderForm(res, 'statistics/index', {
      stats, departments, years, regionChartRows: REGION_CHART_ROWS,
      departmentName: departments.find((d) => d.code === chosenDepartment)?.name,
      values: { year: parsed.ok ? String(chosenYear) : year, department },
    }, parsed.ok ? undefined : parsed);
  });
  return router;
}
