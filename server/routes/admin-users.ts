// Owns the user-management pages: administrators list, create, disable/enable users, reset
// passwords and change roles and departments; supervisors see their own department's users,
// read-only. Every change goes through server/auth/users.ts, which audits it.
import { changeContext } from '../auth/actor.js';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ROLES } from '../../models/user.js';
import { createUser, findUser, inspectorCodeOf, listUsers, resetPassword, setActive, updateAssignment, userHistory } from '../auth/users.js';
import { attempt, readForm, renderForm, text, type FormProblem } from '../http/forms.js';
import { departmentOptions } from '../rosters/departments.js';
import { setFlash, takeFlash, type CurrentUser } from '../auth/session.js';
import { assertInScope, departmentScope } from '../access/scope.js';
import { ADMIN, STAFF } from '../access/rules.js';
import { mount } from './mount.js';

// Supervisors see their own department's users, read-only.
export const usersAdminMount = mount({
  path: '/admin/users',
  rules: {
    'GET /': STAFF,
    'GET /new': ADMIN,
    'POST /': ADMIN,
    'GET /:id': STAFF,
    'POST /:id/assignment': ADMIN,
    'POST /:id/password': ADMIN,
    'POST /:id/disable': ADMIN,
    'POST /:id/enable': ADMIN,
  },
  router: adminUsersRouter,
});

const assignmentFields = { role: text(20), departmentCode: text(32), inspectorCode: text(32) };
const assignmentForm = z.object(assignmentFields);
const passwordForm = z.object({ password: text(1000), passwordConfirm: text(1000) });
const newUserForm = z.object({ ...assignmentFields, username: text(100), displayName: text(100), password: text(1000), passwordConfirm: text(1000) });

function viewer(req: Request): CurrentUser {
  return req.user as CurrentUser;
}

interface ShowForms {
  problem?: FormProblem;
  values?: Record<string, unknown>;
}

/** The user page with its three forms; `forms` carries the submitted form's errors and values. */
async function renderShow(req: Request, res: Response, id: string, forms: ShowForms = {}): Promise<void> {
  const user = await findUser(id);
  assertInScope(viewer(req), user.departmentCode);
  const inspectorCode = await inspectorCodeOf(user);
  renderForm(res, 'admin/users/show', {
    user, history: await userHistory(user.id), roles: ROLES, departments: await departmentOptions(),
    isSelf: viewer(req).id === user.id, notice: takeFlash(req),
    values: { role: user.role, departmentCode: user.departmentCode, inspectorCode, ...forms.values },
  }, forms.problem);
}

function statusChange(active: boolean) {
  return async (req: Request<{ id: string }>, res: Response) => {
    const outcome = await attempt(() => setActive(req.params.id, active, changeContext(req)));
    if (!outcome.ok) return renderShow(req, res, req.params.id, { problem: outcome });
    setFlash(req, active ? 'users.enabled' : 'users.disabled');
    res.redirect(303, `/admin/users/${req.params.id}`);
  };
}

function adminUsersRouter(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const scope = departmentScope(viewer(req));
    const [users, departments] = await Promise.all([listUsers(scope), departmentOptions()]);
    const names = Object.fromEntries(departments.map((d) => [d.code, d.name]));
    res.render('admin/users/list', { users, names, notice: takeFlash(req) });
  });

  router.get('/new', async (_req, res) => {
    renderForm(res, 'admin/users/new', { roles: ROLES, departments: await departmentOptions(), values: { role: 'inspector' } });
  });

  router.post('/', async (req, res) => {
    const form = readForm(newUserForm, req.body);
    const outcome = form.ok ? await attempt(() => createUser(form.value, { ...changeContext(req), mustChangePassword: true })) : form;
    if (!outcome.ok) {
      const values = (req.body ?? {}) as Record<string, unknown>;
      return renderForm(res, 'admin/users/new', { roles: ROLES, departments: await departmentOptions(), values }, outcome);
    }
    setFlash(req, 'users.created');
    res.redirect(303, `/admin/users/${outcome.value.id}`);
  });

  router.get('/:id', async (req, res) => {
    await renderShow(req, res, req.params.id);
  });

  router.post('/:id/assignment', async (req, res) => {
    const form = readForm(assignmentForm, req.body);
    const outcome = form.ok ? await attempt(() => updateAssignment(req.params.id, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderShow(req, res, req.params.id, { problem: outcome, values: req.body as Record<string, unknown> });
    setFlash(req, 'users.assignment.saved');
    res.redirect(303, `/admin/users/${req.params.id}`);
  });

  router.post('/:id/password', async (req, res) => {
    const form = readForm(passwordForm, req.body);
    const outcome = form.ok ? await attempt(() => resetPassword(req.params.id, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderShow(req, res, req.params.id, { problem: outcome });
    setFlash(req, 'users.password.saved');
    res.redirect(303, `/admin/users/${req.params.id}`);
  });

  router.post('/:id/disable', statusChange(false));
  router.post('/:id/enable', statusChange(true));

  return router;
}
