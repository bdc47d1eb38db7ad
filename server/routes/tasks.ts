// Owns the task pages (抽查任务) of supervisors: the list, a new task, and one task's page — what
// it waits for, its preview (writes nothing), its announcement (freeze), the lottery result
// entered by two users, "draw now", every draw with its result, lock, dispatch, redo (request +
// a second supervisor's approval) and the exports. Thin: server/plans/ does the work, checks the
// department (a joint task's participants read it) and audits every view of an unpublished list.
// Admins read these pages (every department's tasks, the preview, published drawn lists) and
// act on nothing: only the GET routes are STAFF; observers (执法监督) read the same GET routes
// for every department, and the use cases refuse both every action.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LOTTERY_GAMES } from '../randomness/index.js';
import { STAFF_OR_OBSERVER, SUPERVISOR } from '../access/rules.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { attempt, onForm, readForm, renderForm, text, type FormProblem } from '../http/forms.js';
import { assertManage } from '../plans/acting.js';
import { announceSlot, publishedAnnouncement } from '../plans/announce.js';
import { requestDraw } from '../plans/draws.js';
import { dispatchDraw, drawnListCsv, drawnListXlsx, drawRecord, lockDraw, viewDrawnList } from '../plans/drawn-list.js';
import { taskRecordView } from '../plans/pages-support.js';
import { runRecusals } from '../inspections/queries.js';
import { announceDepartmentTeams } from '../plans/teams.js';
import { listPlans } from '../plans/plans.js';
import { previewTask } from '../plans/preview.js';
import { approveRedo, requestRedo } from '../plans/redo.js';
import { nextTaskSlot } from '../plans/schedule.js';
import { enterLotteryResult, withdrawLotteryEntry } from '../plans/sources.js';
import { taskStatus } from '../plans/status.js';
import { createTask, getTask, listTasks } from '../plans/tasks.js';
import { listItems } from '../rosters/catalog-admin.js';
import { departmentOptions } from '../rosters/departments.js';
import { mount, type FeatureDeps } from './mount.js';
import { actingFor, viewer } from './plans-forms.js';
import { NEW_TASK_VALUES, TASK_CHOICES, TASK_FIELD_NAMES, taskForm, taskInput } from './tasks-form.js';

export const tasksMount = mount({
  path: '/tasks',
  rules: {
    'GET /': STAFF_OR_OBSERVER,
    'GET /new': SUPERVISOR,
    'POST /': SUPERVISOR,
    'GET /:id': STAFF_OR_OBSERVER,
    'GET /:id/preview': STAFF_OR_OBSERVER,
    'POST /:id/announce': SUPERVISOR,
    'POST /:id/lottery': SUPERVISOR,
    'POST /:id/lottery/withdraw': SUPERVISOR,
    'POST /:id/draw': SUPERVISOR,
    'GET /:id/runs/:run': STAFF_OR_OBSERVER,
    'GET /:id/runs/:run/list.csv': STAFF_OR_OBSERVER,
    'GET /:id/runs/:run/list.xlsx': STAFF_OR_OBSERVER,
    'GET /:id/runs/:run/record.json': STAFF_OR_OBSERVER,
    'POST /:id/runs/:run/lock': SUPERVISOR,
    'POST /:id/runs/:run/dispatch': SUPERVISOR,
    'POST /:id/runs/:run/redo': SUPERVISOR,
    'POST /:id/runs/:run/teams': SUPERVISOR,
    'POST /:id/redo/:request/approve': SUPERVISOR,
  },
  router: tasksRouter,
});

const lotteryForm = z.object({ announcementId: text(24), index: text(3), lotteryText: text(200) });
const withdrawForm = z.object({ announcementId: text(24), index: text(3), reason: text(500) });
const drawForm = z.object({ announcementId: text(24) });
const redoForm = z.object({ redoReason: text(2000) });

type TaskReq = Request<{ id: string }>;
type RunReq = Request<{ id: string; run: string }>;

function tasksRouter({ draws, timeZone }: FeatureDeps): Router {
  const router = Router();

  async function formChoices(req: Request) {
    const [plans, items, departments] = await Promise.all([listPlans(actingFor(req)), listItems(), departmentOptions()]);
    return { plans, items: items.filter((i) => i.active), departments: departments.filter((d) => d.code !== viewer(req).departmentCode), games: LOTTERY_GAMES, ...TASK_CHOICES };
  }

  interface PageState { status?: number; refusal?: string; detail?: string; problem?: FormProblem; values?: Record<string, unknown> }

  /** The task page; `state` carries a refused action's message or a failed form's problems. */
  async function renderTask(req: TaskReq, res: Response, state: PageState = {}): Promise<void> {
    const acting = actingFor(req);
    const task = await getTask(req.params.id, acting);
    const [record, waiting, plans, departments] = await Promise.all([taskRecordView(req.params.id), taskStatus(req.params.id, acting, draws), listPlans(acting), departmentOptions()]);
    const announcements = record.announcements.map((a) => ({ ...a, published: publishedAnnouncement(a) }));
    renderForm(res, 'tasks/show', {
      task, waiting, record, announcements, names: Object.fromEntries(departments.map((d) => [d.code, d.name])), plan: plans.find((p) => p.planKey === task.planKey) ?? null,
      me: viewer(req).id, manage: viewer(req).role === 'supervisor' && task.departmentCode === viewer(req).departmentCode, now: draws.now(),
      nextSlot: nextTaskSlot(task.schedule, draws.now(), timeZone), games: LOTTERY_GAMES,
      notice: takeFlash(req), refusal: state.refusal, detail: state.detail, values: state.values ?? {},
      ...(state.status ? { status: state.status } : {}),
    }, state.problem);
  }

  /** Runs an action of the task page; a refusal by the draw rules is shown on the page (409/403). */
  async function act(req: TaskReq, res: Response, run: () => Promise<unknown>, done: string, refused: string): Promise<void> {
    try {
      await run();
    } catch (error) {
      const manage = viewer(req).role === 'supervisor' && (await getTask(req.params.id, actingFor(req))).departmentCode === viewer(req).departmentCode;
      if (error instanceof ConflictError) return renderTask(req, res, { status: 409, refusal: refused, detail: error.message });
      if (error instanceof ForbiddenError && manage) return renderTask(req, res, { status: 403, refusal: refused, detail: error.message });
      throw error;
    }
    setFlash(req, done);
    res.redirect(303, `/tasks/${req.params.id}`);
  }

  /** The draw of a task named by its id in the URL (404 unless it is this task's). */
  async function runOf(req: RunReq) {
    await getTask(req.params.id, actingFor(req));
    const { runs } = await taskRecordView(req.params.id);
    const run = runs.find((r) => r._id.toString() === req.params.run);
    if (!run) throw new NotFoundError('No such draw of this task.');
    return run;
  }

  router.get('/', async (req, res) => {
    const tasks = await listTasks(actingFor(req));
    res.render('tasks/list', { tasks, notice: takeFlash(req) });
  });

  router.get('/new', async (req, res) => {
    const plan = typeof req.query.plan === 'string' ? req.query.plan : '';
    renderForm(res, 'tasks/new', { ...(await formChoices(req)), values: { ...NEW_TASK_VALUES, planKey: plan } });
  });

  router.post('/', async (req, res) => {
    const form = readForm(taskForm, req.body);
    const input = form.ok ? taskInput(form.value, timeZone) : form;
    const outcome = input.ok ? await attempt(() => createTask(input.value, actingFor(req))) : input;
    if (!outcome.ok) return renderForm(res, 'tasks/new', { ...(await formChoices(req)), values: req.body as Record<string, unknown> }, onForm(outcome, TASK_FIELD_NAMES));
    setFlash(req, 'tasks.created');
    res.redirect(303, `/tasks/${outcome.value._id.toString()}`);
  });

  router.get('/:id', async (req, res) => {
    await renderTask(req, res);
  });

  router.get('/:id/preview', async (req, res) => {
    const task = await getTask(req.params.id, actingFor(req));
    const preview = await previewTask(req.params.id, actingFor(req), draws);
    res.render('tasks/preview', { task, preview });
  });

  router.post('/:id/announce', async (req, res) => {
    const acting = actingFor(req);
    const task = await getTask(req.params.id, acting);
    assertManage(acting, task.departmentCode);
    await act(req, res, async () => {
      const slot = nextTaskSlot(task.schedule, draws.now(), timeZone);
      if (!slot) throw new ConflictError('The task has no future draw time.');
      return announceSlot(task, slot, acting, draws, { trigger: 'request' });
    }, 'tasks.announced', 'tasks.announce.refused');
  });

  router.post('/:id/lottery', async (req, res) => {
    const form = readForm(lotteryForm, req.body);
    const outcome = form.ok
      ? await attempt(() => enterLotteryResult(form.value.announcementId, Number(form.value.index), form.value.lotteryText, actingFor(req), draws)).catch((error: unknown) => {
        if (error instanceof ConflictError) return { ok: false as const, fields: { lotteryText: 'lottery.already_entered' } };
        throw error;
      })
      : form;
    if (!outcome.ok) {
      const problem = onForm(outcome, { text: 'lotteryText' });
      return renderTask(req, res, { status: 422, problem, values: req.body as Record<string, unknown> });
    }
    setFlash(req, 'tasks.lottery.entered');
    res.redirect(303, `/tasks/${req.params.id}`);
  });

  router.post('/:id/lottery/withdraw', async (req, res) => {
    const form = readForm(withdrawForm, req.body);
    const outcome = form.ok ? await attempt(() => withdrawLotteryEntry(form.value.announcementId, Number(form.value.index), form.value.reason, actingFor(req), draws)) : form;
    if (!outcome.ok) return renderTask(req, res, { status: 422, problem: onForm(outcome, { reason: 'withdrawReason' }), values: req.body as Record<string, unknown> });
    setFlash(req, 'tasks.lottery.withdrawnNotice');
    res.redirect(303, `/tasks/${req.params.id}`);
  });

  router.post('/:id/draw', async (req, res) => {
    const form = readForm(drawForm, req.body);
    const acting = actingFor(req);
    await getTask(req.params.id, acting);
    await act(req, res, () => requestDraw(form.ok ? form.value.announcementId : '', acting, draws), 'tasks.drawn', 'tasks.draw.refused');
  });

  /** The result page of one draw (the drawn list is read through the audited use case). */
  async function renderRun(req: RunReq, res: Response, state: PageState = {}): Promise<void> {
    const run = await runOf(req);
    const task = await getTask(req.params.id, actingFor(req));
    const list = run.state === 'complete' ? await viewDrawnList(run.key, actingFor(req), 'view') : null;
    const recusals = list ? await runRecusals(run.key) : []; // shown with the list, to its readers only
    const { redoRequests, announcements } = await taskRecordView(req.params.id);
    const teamsAnnounced = announcements.some((a) => (a as { entityRunKey?: string | null }).entityRunKey === run.key && (a as { teamDepartment?: string | null }).teamDepartment === viewer(req).departmentCode);
    const redo = redoRequests.find((r) => r.slot.getTime() === run.slot.getTime() && r.attempt === run.attempt + 1) ?? null;
    renderForm(res, 'tasks/run', {
      task, run, list, recusals, redo, teamsAnnounced, notice: takeFlash(req), manage: viewer(req).role === 'supervisor' && task.departmentCode === viewer(req).departmentCode,
      refusal: state.refusal, detail: state.detail, values: state.values ?? {}, ...(state.status ? { status: state.status } : {}),
    }, state.problem);
  }

  router.get('/:id/runs/:run', async (req, res) => {
    await renderRun(req, res);
  });

  router.get('/:id/runs/:run/list.csv', async (req, res) => {
    const run = await runOf(req);
    const file = await drawnListCsv(run.key, actingFor(req));
    res.attachment(file.fileName).type('text/csv; charset=utf-8').send(file.body);
  });

  router.get('/:id/runs/:run/list.xlsx', async (req, res) => {
    const run = await runOf(req);
    const file = await drawnListXlsx(run.key, actingFor(req));
    res.attachment(file.fileName).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file.body);
  });

  router.get('/:id/runs/:run/record.json', async (req, res) => {
    const run = await runOf(req);
    const { record } = await drawRecord(run.key, actingFor(req));
    res.attachment(`draw-${run.attempt}.json`).type('application/json').send(JSON.stringify(record, null, 2));
  });

  function runAction(name: 'lock' | 'dispatch', done: string, refused: string) {
    return async (req: RunReq, res: Response) => {
      const run = await runOf(req);
      const acting = actingFor(req);
      try {
        await (name === 'lock' ? lockDraw : dispatchDraw)(run.key, acting, draws);
      } catch (error) {
        if (error instanceof ConflictError) return renderRun(req, res, { status: 409, refusal: refused, detail: error.message });
        throw error;
      }
      setFlash(req, done);
      res.redirect(303, `/tasks/${req.params.id}/runs/${req.params.run}`);
    };
  }
  router.post('/:id/runs/:run/lock', runAction('lock', 'tasks.locked', 'tasks.lock.refused'));
  router.post('/:id/runs/:run/dispatch', runAction('dispatch', 'tasks.dispatched', 'tasks.dispatch.refused'));

  router.post('/:id/runs/:run/redo', async (req, res) => {
    const run = await runOf(req);
    const form = readForm(redoForm, req.body, { multiline: ['redoReason'] });
    let outcome;
    try {
      outcome = form.ok ? await attempt(() => requestRedo(run.key, form.value.redoReason, actingFor(req), draws)) : form;
    } catch (error) {
      if (error instanceof ConflictError) return renderRun(req, res, { status: 409, refusal: 'tasks.redo.refused', detail: error.message });
      throw error;
    }
    if (!outcome.ok) return renderRun(req, res, { status: 422, problem: onForm(outcome, { reason: 'redoReason' }), values: req.body as Record<string, unknown> });
    setFlash(req, 'tasks.redo.requested');
    res.redirect(303, `/tasks/${req.params.id}/runs/${req.params.run}`);
  });

  // A joint task: each department announces its own inspector draw for the drawn entities.
  router.post('/:id/runs/:run/teams', async (req, res) => {
    const run = await runOf(req);
    const acting = actingFor(req);
    try {
      await announceDepartmentTeams(run.key, viewer(req).departmentCode, acting, draws);
    } catch (error) {
      if (error instanceof ConflictError) return renderRun(req, res, { status: 409, refusal: 'tasks.teams.refused', detail: error.message });
      throw error;
    }
    setFlash(req, 'tasks.teams.announced');
    res.redirect(303, `/tasks/${req.params.id}`);
  });

  router.post('/:id/redo/:request/approve', async (req: Request<{ id: string; request: string }>, res) => {
    await getTask(req.params.id, actingFor(req));
    const { redoRequests } = await taskRecordView(req.params.id);
    const request = redoRequests.find((r) => r._id.toString() === req.params.request);
    if (!request) throw new NotFoundError('No such redo request of this task.');
    await act(req, res, () => approveRedo(request.key, actingFor(req), draws), 'tasks.redo.approved', 'tasks.redo.approve_refused');
  });

  return router;
}
