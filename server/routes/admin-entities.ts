// Owns the back-office market-entity roster: list with filters, detail, edit and removal from /
// return to the roster (staff read, admins change), and the read-only JSON twin under /api/v1.
// Thin: validation and writes live in server/rosters/entity-admin.ts; every change is audited.
import { Router, type Request } from 'express';
import { recordFieldChanges, type FieldChanges } from '../../models/audit-event.js';
import { ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, RISK_CLASSES } from '../../models/index.js';
import { ValidationError } from '../errors.js';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import { entityFilterSchema, getEntity, listEntities, setEntityActive, updateEntity } from '../rosters/entity-admin.js';
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

function entitiesAdminRouter({ actorOf, clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  const audit = (req: Request, action: string, target: { type: string; id: string }, changes: FieldChanges) =>
    recordFieldChanges({ actor: actorOf(req), action, target, requestId: String(req.id ?? '') }, changes);

  router.get('/', async (req, res) => {
    const parsed = parseInput(entityFilterSchema, req.query);
    const old = queryStrings(req.query);
    const result = parsed.ok ? await listEntities(parsed.value) : undefined;
    // The regions the roster holds (kept with the roster figures, recounted in the background).
    const choices = { ...CHOICES, regions: await rosterRegions({ onRefreshError: (error) => req.log.error({ err: error }, 'recounting the roster figures failed') }) };
    res.status(parsed.ok ? 200 : 422).render('admin/entities/list', {
      result, old, choices, fieldErrors: parsed.ok ? {} : parsed.fields, pageHref: (p: number) => pageHref('/admin/entities', old, p),
    });
  });

  router.get('/:code', async (req, res) => {
    res.render('admin/entities/detail', { entity: await getEntity(req.params.code), today: todayIn(timeZone, clock()) });
  });

  router.get('/:code/edit', async (req, res) => {
    const entity = await getEntity(req.params.code);
    res.render('admin/entities/edit', { entity, old: formValues(entity), choices: CHOICES, fieldErrors: {} });
  });

  router.post('/:code', async (req, res) => {
    const code = req.params.code;
    try {
      const { changes } = await updateEntity(code, req.body);
      await audit(req, 'entity.update', { type: 'entity', id: code }, changes);
      res.redirect(303, `/admin/entities/${encodeURIComponent(code)}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422).render('admin/entities/edit', { entity: await getEntity(code), old: req.body ?? {}, choices: CHOICES, fieldErrors: error.fields });
    }
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/:code/${path}`, async (req: Request<{ code: string }>, res) => {
      const code = req.params.code;
      const { changed } = await setEntityActive(code, active);
      if (changed) await audit(req, `entity.${path}`, { type: 'entity', id: code }, { active: { from: !active, to: active } });
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

function day(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : '';
}

function formValues(entity: Record<string, any>): Record<string, string> {
  const keys = ['name', 'type', 'status', 'region', 'address', 'legalRepresentative', 'industry', 'riskClass', 'supervisingOffice'];
  return { ...Object.fromEntries(keys.map((k) => [k, String(entity[k] ?? '')])), lastInspectedOn: day(entity.lastInspectedOn) };
}
