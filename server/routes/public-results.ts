// Owns the public result pages (一公开): 抽查结果公告 (/results: search by entity name or credit
// code, filters by department, item, result category and publication days, paged, every state of
// the page a plain GET URL that can be shared), one published result (/results/:id, corrections
// shown), an entity's published inspections (/entities/:creditCode) and 抽查计划公告
// (/plan-announcements, every published version of a plan), plus the supervisors' 撤回公示
// (POST /results/:id/withdraw, which answers on the inspection's page). Public pages go through
// publicCache() (server/http/public-cache.ts); what they show comes only from
// server/results/published.ts, so nothing unpublished or withdrawn can appear.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SUPERVISOR } from '../access/rules.js';
import { setFlash } from '../auth/session.js';
import { ConflictError, describeError, ForbiddenError, NotFoundError } from '../errors.js';
import { attempt, onForm, readForm, renderForm, text } from '../http/forms.js';
import { pageHref } from '../http/pagination.js';
import { publicCache } from '../http/public-cache.js';
import { parseInput } from '../http/validate.js';
import { publishedPlans, publishedPlanVersions } from '../results/announcements.js';
import { resultCategoryOptions, teamNames } from '../results/result-pages.js';
import { entityResults, publishedResult, resultsQuery, searchResults } from '../results/search.js';
import { withdrawPublication } from '../results/withdraw.js';
import { listPublicItems } from '../rosters/public-items.js';
import { departmentOptions } from '../rosters/departments.js';
import { actingFor, inspectionPath, renderInspection, type InspectionRequest } from './inspections-page.js';
import { mount, type FeatureDeps } from './mount.js';
import { queryStrings } from './query-strings.js';

export const resultsMount = mount({
  path: '/results',
  rules: { 'GET /': 'public', 'GET /:id': 'public', 'POST /:id/withdraw': SUPERVISOR },
  router: resultsRouter,
});
export const entitiesMount = mount({ path: '/entities', rules: { 'GET /:creditCode': 'public' }, router: entitiesRouter });
export const planAnnouncementsMount = mount({ path: '/plan-announcements', rules: { 'GET /': 'public', 'GET /:planKey': 'public' }, router: planAnnouncementsRouter });

const FILTER_KEYS = ['q', 'department', 'item', 'result', 'from', 'to'] as const;
const withdrawForm = z.object({ withdrawReason: text(2000) });

function resultsRouter({ inspections: settings }: FeatureDeps): Router {
  const router = Router();
  const { timeZone } = settings;

  router.get('/', publicCache(), async (req: Request, res: Response) => {
    const parsed = parseInput(resultsQuery, req.query);
    const strings = queryStrings(req.query);
    const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, strings[k] ?? '']));
    const [found, departments, items, results] = await Promise.all([
      parsed.ok ? searchResults(parsed.value, timeZone) : Promise.resolve(undefined),
      departmentOptions(), listPublicItems(undefined), resultCategoryOptions(),
    ]);
    renderForm(res, 'results/list', {
      found, values, filtered: FILTER_KEYS.some((k) => values[k]),
      departments: departments.map((d) => ({ value: d.code, label: d.name })),
      items: items.map((i) => ({ value: i.code, label: `${i.code} ${i.name}` })), results,
      pageHref: (page: number) => pageHref('/results', values, page),
    }, parsed.ok ? undefined : parsed);
  });

  router.get('/:id', publicCache(), async (req: Request<{ id: string }>, res: Response) => {
    const found = await publishedResult(req.params.id, timeZone);
    if (!found) throw new NotFoundError('No such published result.').localized({ key: 'results.notFound' });
    const inspectors = settings.showInspectorsOnResults && found.team.length > 0 ? await teamNames(found.team) : null;
    res.render('results/show', { result: found.result, inspectors });
  });

  router.post('/:id/withdraw', async (req: InspectionRequest, res: Response) => {
    const acting = await actingFor(req);
    const form = readForm(withdrawForm, req.body, { multiline: ['withdrawReason'] });
    let outcome;
    try {
      outcome = form.ok ? await attempt(() => withdrawPublication(req.params.id, { reason: form.value.withdrawReason }, acting, settings)) : form;
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof ForbiddenError)) throw error;
      return renderInspection(req, res, settings, { status: error.status, refusal: describeError(res.locals.t, error), values: { withdrawReason: String(req.body?.withdrawReason ?? '') } });
    }
    if (!outcome.ok) {
      return renderInspection(req, res, settings, { status: 422, problem: onForm(outcome, { reason: 'withdrawReason' }), values: { withdrawReason: String(req.body?.withdrawReason ?? '') } });
    }
    setFlash(req, 'results.withdraw.flash');
    res.redirect(303, inspectionPath(req.params.id));
  });
  return router;
}

function entitiesRouter({ inspections: { timeZone } }: FeatureDeps): Router {
  const router = Router();
  router.get('/:creditCode', publicCache(), async (req: Request<{ creditCode: string }>, res: Response) => {
    const entity = await entityResults(req.params.creditCode, timeZone);
    // An entity with nothing published looks exactly like one that does not exist.
    if (!entity) throw new NotFoundError('No published results for this entity.').localized({ key: 'results.entity.notFound' });
    res.render('results/entity', { entity });
  });
  return router;
}

function planAnnouncementsRouter(): Router {
  const router = Router();
  router.get('/', publicCache(), async (_req: Request, res: Response) => {
    res.render('results/plans', { plans: await publishedPlans() });
  });
  router.get('/:planKey', publicCache(), async (req: Request<{ planKey: string }>, res: Response) => {
    const versions = await publishedPlanVersions(req.params.planKey);
    if (!versions) throw new NotFoundError('No such published plan.').localized({ key: 'results.plans.notFound' });
    res.render('results/plan', { versions, plan: versions[0] });
  });
  return router;
}
