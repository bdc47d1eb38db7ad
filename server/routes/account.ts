// Owns the signed-in user's own account pages: changing one's password (also the page a user
// is kept on after an administrator set their password).
import { Router } from 'express';
import { z } from 'zod';
import { changeOwnPassword } from '../auth/users.js';
import { attempt, readForm, renderForm, text } from '../http/forms.js';
import { renewUserSession, setFlash, takeFlash } from '../auth/session.js';
import { mount } from './mount.js';

const passwordForm = z.object({ currentPassword: text(1000), password: text(1000), passwordConfirm: text(1000) });

export const accountMount = mount({
  path: '/account',
  rules: {
    'GET /password': 'authenticated',
    'POST /password': 'authenticated',
  },
  router: accountRouter,
});

function accountRouter(): Router {
  const router = Router();

  router.get('/password', (req, res) => {
    renderForm(res, 'account/password', { notice: takeFlash(req) });
  });

  router.post('/password', async (req, res) => {
    const user = req.user as NonNullable<typeof req.user>;
    const form = readForm(passwordForm, req.body);
    if (!form.ok) return renderForm(res, 'account/password', {}, form);
    const outcome = await attempt(() => changeOwnPassword(user.id, form.value, { requestId: String(req.id ?? '') }));
    if (!outcome.ok) return renderForm(res, 'account/password', {}, outcome);
    await renewUserSession(req, outcome.value);
    setFlash(req, 'account.password.changed');
    res.redirect(303, '/account/password');
  });

  return router;
}
