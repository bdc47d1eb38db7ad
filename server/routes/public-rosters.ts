// Owns the public roster pages and their JSON twins: the inspection-item list (抽查事项清单)
// and the certified-inspector lookup (执法人员查询). Both are public by law; the lookup shows
// only the four public facts (see server/rosters/public-inspectors.ts).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import { listPublicItems } from '../rosters/public-items.js';
import { lookupInspectors } from '../rosters/public-inspectors.js';
import { departmentOptions } from '../rosters/departments.js';
import { renderForm } from '../http/forms.js';
import { queryStrings } from './query-strings.js';
import { todayIn } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';

const departmentCode = z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department').optional().or(z.literal('').transform(() => undefined));

const itemsQuery = z.object({ department: departmentCode });

const lookupQuery = z
  .object({
    name: z.string().trim().max(50, 'too_long').optional().transform((v) => v || undefined),
    certificate: z.string().trim().max(64, 'too_long').regex(/^[A-Za-z0-9-]*$/, 'invalid_certificate').optional().transform((v) => v || undefined),
    department: departmentCode,
    page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
  });

// Public by law (事项清单公开, 持证人员信息公开): pages and their JSON twins.
export const itemsPageMount = mount({ path: '/items', rules: { 'GET /': 'public' }, router: itemsPageRouter });
export const inspectorsPageMount = mount({ path: '/inspectors', rules: { 'GET /': 'public' }, router: inspectorsPageRouter });
export const itemsApiMount = mount({ path: '/api/v1/items', rules: { 'GET /': 'public' }, router: itemsApiRouter });
export const inspectorsApiMount = mount({ path: '/api/v1/inspectors', rules: { 'GET /lookup': 'public' }, router: inspectorsApiRouter });

function itemsPageRouter(): Router {
  const router = Router();
  router.get('/', async (req: Request, res: Response) => {
    const parsed = parseInput(itemsQuery, req.query);
    const department = parsed.ok ? parsed.value.department : undefined;
    const values = { department: department ?? '' };
    renderForm(res, 'public/items', { items: await listPublicItems(department), departments: await departmentOptions(), values }, parsed.ok ? undefined : parsed);
  });
  return router;
}

function inspectorsPageRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  router.get('/', async (req: Request, res: Response) => {
    const parsed = parseInput(lookupQuery, req.query);
    const { name = '', certificate = '', department = '' } = queryStrings(req.query);
    const values = { name, certificate, department };
    const searched = Boolean(name || certificate || department);
    const result = parsed.ok && searched ? await lookupInspectors(parsed.value, todayIn(timeZone, clock()), timeZone) : undefined;
    renderForm(res, 'public/inspectors', {
      result, values, departments: await departmentOptions(), pageHref: (page: number) => pageHref('/inspectors', values, page),
    }, parsed.ok ? undefined : parsed);
  });
  return router;
}

function itemsApiRouter(): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = requireInput(itemsQuery, req.query);
    res.json({ items: await listPublicItems(query.department) });
  });
  return router;
}

function inspectorsApiRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  router.get('/lookup', async (req, res) => {
    const query = requireInput(lookupQuery, req.query);
    const { inspectors, page } = await lookupInspectors(query, todayIn(timeZone, clock()), timeZone);
    res.json({ inspectors, page: apiPage(page) });
  });
  return router;
}
