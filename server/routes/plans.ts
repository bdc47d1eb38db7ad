// Owns the annual-plan pages (年度抽查计划): the list (the user's department), a new plan, a plan
// with every version, its tasks and its actions (amend = a new version, a 专项 plan's approval by
// a second supervisor, publication, status). Thin: server/plans/plans.ts does the work, checks
// the department and audits. Supervisors act; admins read; inspectors and the public nothing.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { PLAN_INSPECTION_TYPES, type PlanRecord } from '../../models/plan.js';
import { STAFF_OR_OBSERVER, SUPERVISOR } from '../access/rules.js';
import { readsAllDepartments } from '../access/scope.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { attempt, readForm, renderForm, text, type FormProblem } from '../http/forms.js';
import { advancePlanStatus, amendPlan, approvePlan, createPlan, currentPlan, listPlans, planVersions, publishPlan, type PlanInput } from '../plans/plans.js';
import { listTasks } from '../plans/tasks.js';
import { listItems } from '../rosters/catalog-admin.js';
import { departmentOptions } from '../rosters/departments.js';
import { yearOf } from '../time.js';
import type { FeatureDeps } from './mount.js';
import { mount } from './mount.js';
import { actingFor, assertPlanReadable, listOf, many, viewer } from './plans-forms.js';

export const plansMount = mount({
  path: '/plans',
  rules: {
    'GET /': STAFF_OR_OBSERVER, // observers (执法监督) read every department's plans
    'GET /new': SUPERVISOR,
    'POST /': SUPERVISOR,
    'GET /:key': STAFF_OR_OBSERVER,
    'GET /:key/amend': SUPERVISOR,
    'POST /:key/amend': SUPERVISOR,
    'POST /:key/approve': SUPERVISOR,
    'POST /:key/publish': SUPERVISOR,
    'POST /:key/advance': SUPERVISOR,
  },
  router: plansRouter,
});

const list = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(64, 'too_long')).max(200, 'too_long'));
const planForm = z.object({
  year: text(4), number: text(64), name: text(200), inspectionType: text(8),
  participatingDepartments: list, itemCodes: list,
  scope: text(2000), ratios: text(2000), batches: text(2000), necessityNote: text(4000), publicationDeadline: text(10),
  amendmentReason: text(2000),
});
const MULTILINE = { multiline: ['scope', 'ratios', 'batches', 'necessityNote', 'amendmentReason'] };
type PlanForm = z.output<typeof planForm>;

/** "label | 5%" lines → ratios; "name | period" lines → batches. A bad line is a problem of the field. */
function planInput(form: PlanForm, leadDepartment: string): { ok: true; value: PlanInput } | ({ ok: false } & FormProblem) {
  const fields: Record<string, string> = {};
  const year = /^\d{4}$/.test(form.year) ? Number(form.year) : NaN;
  const ratios = form.ratios.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((line) => {
    const [label, pct] = line.split(/\s*[|｜]\s*/);
    const value = Number((pct ?? '').replace(/%$/, ''));
    if (!label || !(value >= 0 && value <= 100)) fields.ratios = 'plan.ratio_line';
    return { label: label ?? '', ratioPpm: Math.round(value * 10_000) };
  });
  const batches = form.batches.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((line) => {
    const [name, period] = line.split(/\s*[|｜]\s*/);
    return { name: name ?? '', period: period ?? '' };
  });
  if (form.publicationDeadline && !/^\d{4}-\d{2}-\d{2}$/.test(form.publicationDeadline)) fields.publicationDeadline = 'invalid_date';
  if (!(PLAN_INSPECTION_TYPES as readonly string[]).includes(form.inspectionType)) fields.inspectionType = 'plan.inspection_type';
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    value: {
      year, number: form.number, name: form.name, leadDepartment, inspectionType: form.inspectionType as PlanInput['inspectionType'],
      participatingDepartments: form.participatingDepartments.filter((d) => d !== leadDepartment), itemCodes: form.itemCodes,
      scope: form.scope, ratios, batches, necessityNote: form.necessityNote,
      ...(form.publicationDeadline ? { publicationDeadline: new Date(`${form.publicationDeadline}T23:59:59+08:00`) } : {}),
    },
  };
}

/** The stored plan as the form shows it. */
function planValues(plan: PlanRecord): Record<string, unknown> {
  return {
    year: String(plan.year), number: plan.number, name: plan.name, inspectionType: plan.inspectionType,
    participatingDepartments: plan.participatingDepartments, itemCodes: plan.itemCodes, scope: plan.scope,
    ratios: (plan.ratios ?? []).map((r) => `${r.label ?? ''} | ${(r.ratioPpm ?? 0) / 10_000}%`).join('\n'),
    batches: (plan.batches ?? []).map((b) => `${b.name ?? ''} | ${b.period ?? ''}`).join('\n'),
    necessityNote: plan.necessityNote,
  };
}

async function formChoices() {
  const [departments, items] = await Promise.all([departmentOptions(), listItems()]);
  return { departments, items: items.filter((i) => i.active), types: PLAN_INSPECTION_TYPES };
}

const byKey = (req: Request<{ key: string }>) => req.params.key;

function plansRouter({ draws }: FeatureDeps): Router {
  const router = Router();

  async function renderPlan(req: Request<{ key: string }>, res: Response, refusal?: { status: number; key: string }): Promise<void> {
    const versions = await planVersions(byKey(req));
    const plan = versions.at(-1);
    if (!plan) throw new NotFoundError('No such plan.');
    assertPlanReadable(req, plan);
    const tasks = (await listTasks(actingFor(req))).filter((t) => t.planKey === plan.planKey); // admins read every task
    const names = Object.fromEntries((await departmentOptions()).map((d) => [d.code, d.name]));
    res.status(refusal?.status ?? 200).render('plans/show', {
      plan, versions: [...versions].reverse(), tasks, names, notice: takeFlash(req), refusal: refusal?.key,
      isAuthor: plan.createdBy?.userId?.toString() === viewer(req).id, now: draws.now(),
    });
  }

  router.get('/', async (req, res) => {
    const user = viewer(req);
    // Admins and observers read every department's plans (listPlans narrows a supervisor to their own).
    const acting = readsAllDepartments(user.role) ? { ...actingFor(req), role: 'system' as const } : actingFor(req);
    const [plans, departments] = await Promise.all([listPlans(acting), departmentOptions()]);
    res.render('plans/list', { plans, names: Object.fromEntries(departments.map((d) => [d.code, d.name])), notice: takeFlash(req) });
  });

  router.get('/new', async (req, res) => {
    renderForm(res, 'plans/form', { mode: 'new', ...(await formChoices()), values: { year: String(yearOf(draws.now(), draws.timeZone)), inspectionType: '日常' } });
  });

  router.post('/', async (req, res) => {
    const form = readForm(planForm, req.body, MULTILINE);
    const input = form.ok ? planInput(form.value, viewer(req).departmentCode) : form;
    const outcome = input.ok ? await attempt(() => createPlan(input.value, actingFor(req), { planDeadline: draws.planDeadline, timeZone: draws.timeZone })) : input;
    if (!outcome.ok) return renderForm(res, 'plans/form', { mode: 'new', ...(await formChoices()), values: req.body as Record<string, unknown> }, outcome);
    setFlash(req, 'plans.created');
    res.redirect(303, `/plans/${outcome.value.planKey}`);
  });

  router.get('/:key', async (req, res) => {
    await renderPlan(req, res);
  });

  router.get('/:key/amend', async (req, res) => {
    const plan = await currentPlan(byKey(req));
    assertPlanReadable(req, plan);
    renderForm(res, 'plans/form', { mode: 'amend', plan, ...(await formChoices()), values: planValues(plan) });
  });

  router.post('/:key/amend', async (req, res) => {
    const plan = await currentPlan(byKey(req));
    assertPlanReadable(req, plan);
    const form = readForm(planForm, req.body, MULTILINE);
    const input = form.ok ? planInput(form.value, plan.leadDepartment) : form;
    const outcome = input.ok
      ? await attempt(async () => {
        if (!form.ok || !form.value.amendmentReason.trim()) throw new ValidationError({ amendmentReason: 'required' });
        const { leadDepartment: _lead, ...changes } = input.value;
        return amendPlan(plan.planKey, changes, form.value.amendmentReason, actingFor(req));
      })
      : input;
    if (!outcome.ok) return renderForm(res, 'plans/form', { mode: 'amend', plan, ...(await formChoices()), values: req.body as Record<string, unknown> }, outcome);
    setFlash(req, 'plans.amended');
    res.redirect(303, `/plans/${plan.planKey}`);
  });

  /** An action on the plan page; a refusal by the rules (not by scope) is shown on the page. */
  function action(run: (key: string, req: Request) => Promise<unknown>, done: string, refused: string) {
    return async (req: Request<{ key: string }>, res: Response) => {
      const plan = await currentPlan(byKey(req));
      assertPlanReadable(req, plan);
      try {
        await run(plan.planKey, req);
      } catch (error) {
        const inScope = plan.leadDepartment === viewer(req).departmentCode;
        if (error instanceof ConflictError || (error instanceof ForbiddenError && inScope)) return renderPlan(req, res, { status: error instanceof ConflictError ? 409 : 403, key: refused });
        if (error instanceof ValidationError) return renderPlan(req, res, { status: 422, key: 'error.field.plan.necessity_required' });
        throw error;
      }
      setFlash(req, done);
      res.redirect(303, `/plans/${plan.planKey}`);
    };
  }

  router.post('/:key/approve', action((key, req) => approvePlan(key, actingFor(req), draws.now(), draws.timeZone), 'plans.approved', 'plans.approve.refused'));
  router.post('/:key/publish', action((key, req) => publishPlan(key, actingFor(req), draws.now()), 'plans.publishedNotice', 'plans.publish.refused'));
  router.post('/:key/advance', action((key, req) => advancePlanStatus(key, actingFor(req)), 'plans.advanced', 'plans.advance.refused'));

  return router;
}
