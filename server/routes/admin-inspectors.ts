// Owns the back-office inspector roster: list with filters and certificate-expiry warnings,
// detail, edit and (de)activation (staff read, admins change), and the read-only JSON twin
// under /api/v1. Thin: validation and writes live in server/rosters/inspector-admin.ts; every
// change is audited.
import { Router, type Request } from 'express';
import { DEPARTMENT_LEVELS, INSPECTOR_STATUSES } from '../../models/index.js';
import { attempt, readForm, renderForm } from '../http/forms.js';
import { changeContext } from '../auth/actor.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import {
  certificateAlert, getInspector, inspectorEditSchema, inspectorEditValues, inspectorFilterSchema, listInspectors, setInspectorStatus, updateInspector,
} from '../rosters/inspector-admin.js';
import { departmentOptions } from '../rosters/departments.js';
import { ADMIN, STAFF } from '../access/rules.js';
import { todayIn } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';
import { queryStrings } from './query-strings.js';

export const inspectorsAdminMount = mount({
  path: '/admin/inspectors',
  rules: {
    'GET /': STAFF,
    'GET /:id': STAFF,
    'GET /:id/edit': ADMIN,
    'POST /:id': ADMIN,
    'POST /:id/deactivate': ADMIN,
    'POST /:id/activate': ADMIN,
  },
  router: inspectorsAdminRouter,
});

// JSON reads for other government systems (staff only; the public lookup is /api/v1/inspectors).
export const inspectorsAdminApiMount = mount({
  path: '/api/v1/admin/inspectors',
  rules: {
    'GET /': STAFF,
    'GET /:id': STAFF,
  },
  router: inspectorsAdminApiRouter,
});

const CHOICES = { inspectorStatuses: INSPECTOR_STATUSES, levels: DEPARTMENT_LEVELS };

function inspectorsAdminRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  const today = () => todayIn(timeZone, clock());

  router.get('/', async (req, res) => {
    const parsed = parseInput(inspectorFilterSchema, req.query);
    const values = queryStrings(req.query);
    const result = parsed.ok ? await listInspectors(parsed.value, today()) : undefined;
    renderForm(res, 'admin/inspectors/list', {
      result, values, choices: CHOICES, departments: await departmentOptions(), pageHref: (p: number) => pageHref('/admin/inspectors', values, p),
    }, parsed.ok ? undefined : parsed);
  });

  router.get('/:id', async (req, res) => {
    const inspector = await getInspector(req.params.id);
    res.render('admin/inspectors/detail', { inspector, alert: certificateAlert(inspector.certificates, today()), today: today(), notice: takeFlash(req) });
  });

  router.get('/:id/edit', async (req, res) => {
    const inspector = await getInspector(req.params.id);
    renderForm(res, 'admin/inspectors/edit', { inspector, values: inspectorEditValues(inspector), choices: CHOICES, departments: await departmentOptions() });
  });

  router.post('/:id', async (req, res) => {
    const id = req.params.id;
    const form = readForm(inspectorEditSchema, req.body);
    const outcome = form.ok ? await attempt(() => updateInspector(id, form.value, changeContext(req))) : form;
    if (!outcome.ok) {
      return renderForm(res, 'admin/inspectors/edit', { inspector: await getInspector(id), values: req.body, choices: CHOICES, departments: await departmentOptions() }, outcome);
    }
    setFlash(req, 'flash.saved');
    res.redirect(303, `/admin/inspectors/${encodeURIComponent(id)}`);
  });

  for (const [path, status] of [['deactivate', '失效'], ['activate', '有效']] as const) {
    router.post(`/:id/${path}`, async (req: Request<{ id: string }>, res) => {
      const id = req.params.id;
      if ((await setInspectorStatus(id, status, changeContext(req))).changed) setFlash(req, `flash.inspector.${path}d`);
      res.redirect(303, `/admin/inspectors/${encodeURIComponent(id)}`);
    });
  }
  return router;
}

function inspectorsAdminApiRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { rows, page } = await listInspectors(requireInput(inspectorFilterSchema, req.query), todayIn(timeZone, clock()));
    res.json({ inspectors: rows.map(({ _id, __v, userId, ...rest }) => rest), page: apiPage(page) });
  });
  router.get('/:id', async (req, res) => {
    const { _id, __v, userId, ...inspector } = await getInspector(req.params.id);
    res.json({ inspector, alert: certificateAlert(inspector.certificates, todayIn(timeZone, clock())) ?? null });
  });
  return router;
}
