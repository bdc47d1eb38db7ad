// Owns the back-office inspector roster: list with filters and certificate-expiry warnings,
// detail, edit and (de)activation (staff read, admins change), and the read-only JSON twin
// under /api/v1. Thin: validation and writes live in server/rosters/inspector-admin.ts; every
// change is audited.
import { Router, type Request } from 'express';
import { recordFieldChanges, type FieldChanges } from '../../models/audit-event.js';
import { DEPARTMENT_LEVELS, INSPECTOR_STATUSES } from '../../models/index.js';
import { ValidationError } from '../errors.js';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import {
  certificateAlert, getInspector, inspectorFilterSchema, listInspectors, setInspectorStatus, updateInspector,
} from '../rosters/inspector-admin.js';
import { departmentOptions } from '../rosters/public-inspectors.js';
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

function inspectorsAdminRouter({ actorOf, clock, timeZone }: FeatureDeps): Router {
  const router = Router();
  const today = () => todayIn(timeZone, clock());
  const audit = (req: Request, action: string, target: { type: string; id: string }, changes: FieldChanges) =>
    recordFieldChanges({ actor: actorOf(req), action, target, requestId: String(req.id ?? '') }, changes);

  router.get('/', async (req, res) => {
    const parsed = parseInput(inspectorFilterSchema, req.query);
    const old = queryStrings(req.query);
    const result = parsed.ok ? await listInspectors(parsed.value, today()) : undefined;
    res.status(parsed.ok ? 200 : 422).render('admin/inspectors/list', {
      result, old, choices: CHOICES, departments: await departmentOptions(), fieldErrors: parsed.ok ? {} : parsed.fields,
      pageHref: (p: number) => pageHref('/admin/inspectors', old, p),
    });
  });

  router.get('/:id', async (req, res) => {
    const inspector = await getInspector(req.params.id);
    res.render('admin/inspectors/detail', { inspector, alert: certificateAlert(inspector.certificates, today()), today: today() });
  });

  router.get('/:id/edit', async (req, res) => {
    const inspector = await getInspector(req.params.id);
    res.render('admin/inspectors/edit', { inspector, old: inspectorFormValues(inspector), choices: CHOICES, departments: await departmentOptions(), fieldErrors: {} });
  });

  router.post('/:id', async (req, res) => {
    const id = req.params.id;
    try {
      const { changes } = await updateInspector(id, req.body);
      await audit(req, 'inspector.update', { type: 'inspector', id }, changes);
      res.redirect(303, `/admin/inspectors/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422).render('admin/inspectors/edit', {
        inspector: await getInspector(id), old: req.body ?? {}, choices: CHOICES, departments: await departmentOptions(), fieldErrors: error.fields,
      });
    }
  });

  for (const [path, status] of [['deactivate', '失效'], ['activate', '有效']] as const) {
    router.post(`/:id/${path}`, async (req: Request<{ id: string }>, res) => {
      const id = req.params.id;
      const { changed } = await setInspectorStatus(id, status);
      if (changed) await audit(req, `inspector.${path}`, { type: 'inspector', id }, { status: { from: status === '失效' ? '有效' : '失效', to: status } });
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

function inspectorFormValues(inspector: Record<string, any>): Record<string, string> {
  return {
    name: inspector.name, departmentCode: inspector.departmentCode, unitLevel: inspector.unitLevel ?? '', post: inspector.post ?? '',
    qualifications: (inspector.qualifications ?? []).join('、'), itemCodes: (inspector.itemCodes ?? []).join(', '), status: inspector.status,
  };
}
