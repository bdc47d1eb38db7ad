// Owns the back-office roster pages (admin): entity and inspector lists with filters, detail,
// edit and (de)activation, and their read-only JSON twins under /api/v1. Thin: validation and
// writes live in server/rosters/*-admin.ts; every change is audited.
import { Router, type Request } from 'express';
import { recordFieldChanges, type AuditActor, type FieldChanges } from '../../models/audit-event.js';
import { ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, RISK_CLASSES, INSPECTOR_STATUSES, DEPARTMENT_LEVELS } from '../../models/index.js';
import { ValidationError } from '../errors.js';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import { entityFilterSchema, getEntity, listEntities, setEntityActive, updateEntity } from '../rosters/entity-admin.js';
import {
  certificateAlert, getInspector, inspectorFilterSchema, listInspectors, setInspectorStatus, updateInspector,
} from '../rosters/inspector-admin.js';
import { departmentOptions, isoDay } from '../rosters/public-inspectors.js';
import { HONGJIANG } from '../demo/names.js';

export interface AdminRostersOptions {
  timeZone: string;
  now?: () => Date;
  actorOf: (req: Request) => AuditActor;
}

const CHOICES = {
  types: ENTITY_TYPES, statuses: ENTITY_STATUSES, industries: INDUSTRY_SECTIONS, riskClasses: RISK_CLASSES,
  inspectorStatuses: INSPECTOR_STATUSES, levels: DEPARTMENT_LEVELS, regions: HONGJIANG.townships,
};

const asStrings = (query: unknown) => Object.fromEntries(Object.entries(query as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : '']));

export function adminRostersRouter(options: AdminRostersOptions): Router {
  const router = Router();
  const today = () => isoDay((options.now ?? (() => new Date()))(), options.timeZone);
  const audit = (req: Request, action: string, target: { type: string; id: string }, changes: FieldChanges) =>
    recordFieldChanges({ actor: options.actorOf(req), action, target, requestId: String(req.id ?? '') }, changes);

  // ---- market entities
  router.get('/admin/entities', async (req, res) => {
    const parsed = parseInput(entityFilterSchema, req.query);
    const old = asStrings(req.query);
    const result = parsed.ok ? await listEntities(parsed.value) : undefined;
    res.status(parsed.ok ? 200 : 422).render('admin/entities/list', {
      result, old, choices: CHOICES, fieldErrors: parsed.ok ? {} : parsed.fields, pageHref: (p: number) => pageHref('/admin/entities', old, p),
    });
  });

  router.get('/admin/entities/:code', async (req, res) => {
    res.render('admin/entities/detail', { entity: await getEntity(req.params.code as string), today: today() });
  });

  router.get('/admin/entities/:code/edit', async (req, res) => {
    const entity = await getEntity(req.params.code as string);
    res.render('admin/entities/edit', { entity, old: formValues(entity), choices: CHOICES, fieldErrors: {} });
  });

  router.post('/admin/entities/:code', async (req, res) => {
    const code = req.params.code as string;
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
    router.post(`/admin/entities/:code/${path}`, async (req, res) => {
      const code = req.params.code as string;
      const { changed } = await setEntityActive(code, active);
      if (changed) await audit(req, `entity.${path}`, { type: 'entity', id: code }, { active: { from: !active, to: active } });
      res.redirect(303, `/admin/entities/${encodeURIComponent(code)}`);
    });
  }

  // ---- inspectors
  router.get('/admin/inspectors', async (req, res) => {
    const parsed = parseInput(inspectorFilterSchema, req.query);
    const old = asStrings(req.query);
    const result = parsed.ok ? await listInspectors(parsed.value, today()) : undefined;
    res.status(parsed.ok ? 200 : 422).render('admin/inspectors/list', {
      result, old, choices: CHOICES, departments: await departmentOptions(), fieldErrors: parsed.ok ? {} : parsed.fields,
      pageHref: (p: number) => pageHref('/admin/inspectors', old, p),
    });
  });

  router.get('/admin/inspectors/:id', async (req, res) => {
    const inspector = await getInspector(req.params.id as string);
    res.render('admin/inspectors/detail', { inspector, alert: certificateAlert(inspector.certificates, today()), today: today() });
  });

  router.get('/admin/inspectors/:id/edit', async (req, res) => {
    const inspector = await getInspector(req.params.id as string);
    res.render('admin/inspectors/edit', { inspector, old: inspectorFormValues(inspector), choices: CHOICES, departments: await departmentOptions(), fieldErrors: {} });
  });

  router.post('/admin/inspectors/:id', async (req, res) => {
    const id = req.params.id as string;
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
    router.post(`/admin/inspectors/:id/${path}`, async (req, res) => {
      const id = req.params.id as string;
      const { changed } = await setInspectorStatus(id, status);
      if (changed) await audit(req, `inspector.${path}`, { type: 'inspector', id }, { status: { from: status === '失效' ? '有效' : '失效', to: status } });
      res.redirect(303, `/admin/inspectors/${encodeURIComponent(id)}`);
    });
  }

  // ---- JSON reads for other government systems (staff only; the public lookup is elsewhere)
  router.get('/api/v1/admin/entities', async (req, res) => {
    const { rows, page } = await listEntities(requireInput(entityFilterSchema, req.query));
    res.json({ entities: rows.map(({ _id, __v, ...rest }) => rest), page: apiPage(page) });
  });
  router.get('/api/v1/admin/entities/:code', async (req, res) => {
    const { _id, __v, ...entity } = await getEntity(req.params.code as string);
    res.json({ entity });
  });
  router.get('/api/v1/admin/inspectors', async (req, res) => {
    const { rows, page } = await listInspectors(requireInput(inspectorFilterSchema, req.query), today());
    res.json({ inspectors: rows.map(({ _id, __v, userId, ...rest }) => rest), page: apiPage(page) });
  });
  router.get('/api/v1/admin/inspectors/:id', async (req, res) => {
    const { _id, __v, userId, ...inspector } = await getInspector(req.params.id as string);
    res.json({ inspector, alert: certificateAlert(inspector.certificates, today()) ?? null });
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

function inspectorFormValues(inspector: Record<string, any>): Record<string, string> {
  return {
    name: inspector.name, departmentCode: inspector.departmentCode, unitLevel: inspector.unitLevel ?? '', post: inspector.post ?? '',
    qualifications: (inspector.qualifications ?? []).join('、'), itemCodes: (inspector.itemCodes ?? []).join(', '), status: inspector.status,
  };
}
