// Owns the back-office market-entity roster: list with filters, detail, edit and removal from /
// return to the roster (staff read, admins change), and the read-only JSON twin under /api/v1.
// Thin: forms go through server/http/forms.ts; server/rosters/entity-admin.ts writes and audits.
import { Router, type Request } from 'express';
import { ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, RISK_CLASSES } from '../../models/index.js';
import { parseInput, requireInput } from '../http/validate.js';
import { attempt, readForm, renderForm } from '../http/forms.js';
import { changeContext } from '../auth/actor.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { apiPage, pageHref } from '../http/pagination.js';
import { entityEditSchema, entityEditValues, entityFilterSchema, getEntity, listEntities, setEntityActive, updateEntity } from '../rosters/entity-admin.js';
import { rosterRegions } from '../rosters/roster-figures.js';
import { ADMIN, STAFF } from '../access/rules.js';
import { todayIn } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';
import { queryStrings } from './query-strings.js';

// The rosters hold who may be inspected: staff read them, admins change them.
export const entitiesAdminMount = mount({
  path: '/admin/entities',
  rules: {
    'GET /': STAFF,
    'GET /:code': STAFF,
    'GET /:code/edit': ADMIN,
    'POST /:code': ADMIN,
    'POST /:code/deactivate': ADMIN,
    'POST /:code/activate': ADMIN,
  },
  router: entitiesAdminRouter,
});

// JSON reads for other government systems (staff only; the public lookup is elsewhere).
export const entitiesApiMount = mount({
  path: '/api/v1/admin/entities',
  rules: {
    'GET /': STAFF,
    'GET /:code': STAFF,
  },
  router: entitiesApiRouter,
});

const CHOICES = { types: ENTITY_TYPES, statuses: ENTITY_STATUSES, industries: INDUSTRY_SECTIONS, riskClasses: RISK_CLASSES };

function entitiesAdminRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  const today = () => todayIn(timeZone, clock());

  router.get('/', async (req, res) => {
    const parsed = parseInput(entityFilterSchema, req.query);
    const values = queryStrings(req.query);
    const result = parsed.ok ? await listEntities(parsed.value) : undefined;
    // The regions the roster holds (kept with the roster figures, recounted in the background).
    const choices = { ...CHOICES, regions: await rosterRegions({ onRefreshError: (error) => req.log.error({ err: error }, 'recounting the roster figures failed') }) };
    renderForm(res, 'admin/entities/list', { result, values, choices, pageHref: (p: number) => pageHref('/admin/entities', values, p) }, parsed.ok ? undefined : parsed);
  });

  router.get('/:code', async (req, res) => {
    res.render('admin/entities/detail', { entity: await getEntity(req.params.code), today: today(), notice: takeFlash(req) });
  });

  router.get('/:code/edit', async (req, res) => {
    const entity = await getEntity(req.params.code);
    renderForm(res, 'admin/entities/edit', { entity, values: entityEditValues(entity), choices: CHOICES });
  });

  router.post('/:code', async (req, res) => {
    const code = req.params.code;
    const form = readForm(entityEditSchema(today()), req.body);
    const outcome = form.ok ? await attempt(() => updateEntity(code, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderForm(res, 'admin/entities/edit', { entity: await getEntity(code), values: req.body, choices: CHOICES }, outcome);
    setFlash(req, 'flash.saved');
    res.redirect(303, `/admin/entities/${encodeURIComponent(code)}`);
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/:code/${path}`, async (req: Request<{ code: string }>, res) => {
      const code = req.params.code;
      if ((await setEntityActive(code, active, changeContext(req))).changed) setFlash(req, `flash.entity.${path}d`);
      res.redirect(303, `/admin/entities/${encodeURIComponent(code)}`);
    });
  }
  return router;
}

function entitiesApiRouter(): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { rows, page } = await listEntities(requireInput(entityFilterSchema, req.query));
    res.json({ entities: rows.map(({ _id, __v, ...rest }) => rest), page: apiPage(page) });
  });
  router.get('/:code', async (req, res) => {
    const { _id, __v, ...entity } = await getEntity(req.params.code);
    res.json({ entity });
  });
  return router;
}
