// Owns signing in and out: the login page and form, logout (a POST with the CSRF token), and
// /api/v1/session, which tells a script who is signed in and hands it the CSRF token. The login
// page creates no session (its CSRF token is stateless, see server/auth/csrf.ts); a successful
// login does. The client address is req.ip: the proxy's X-Forwarded-For only with TRUST_PROXY.
import { Router } from 'express';
import { z } from 'zod';
import { attemptLogin } from '../auth/login.js';
import { endUserSession, startUserSession, takeFlash } from '../auth/session.js';
import { readForm, renderForm, text } from '../http/forms.js';
import { safeLocalPath } from '../auth/safe-redirect.js';
import { csrfTokenFor } from '../auth/csrf.js';
import type { FieldErrors } from '../errors.js';
import { mount, type FeatureDeps } from './mount.js';
import { startPageOf } from './start.js';

const loginForm = z.object({ username: text(100), password: text(1000), returnTo: text(2000) });

const FAILURE_STATUS = { invalid: 401, disabled: 403, locked: 429, limited: 429, busy: 429 } as const;

export const loginMount = mount({
  path: '/login',
  rules: {
    'GET /': 'public',
    'POST /': 'public',
  },
  router: loginRouter,
});

export const logoutMount = mount({
  path: '/logout',
  rules: { 'POST /': 'authenticated' },
  router: logoutRouter,
});

export const sessionApiMount = mount({
  path: '/api/v1/session',
  rules: { 'GET /': 'authenticated' },
  router: sessionApiRouter,
});

function loginRouter({ clock }: FeatureDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const returnTo = safeLocalPath(req.query.returnTo, '');
    if (req.user) return res.redirect(303, returnTo || startPageOf(req.user.role));
    renderForm(res, 'auth/login', { values: { returnTo }, notice: req.query.loggedOut === '1' ? 'login.loggedOut' : takeFlash(req) });
  });

  router.post('/', async (req, res) => {
    const form = readForm(loginForm, req.body);
    const values = form.ok ? form.value : { username: '', password: '', returnTo: '' };
    const missing: FieldErrors = form.ok ? {} : form.fields;
    if (!values.username.trim()) missing.username ??= 'required';
    if (!values.password) missing.password ??= 'required';
    if (Object.keys(missing).length > 0) return renderForm(res, 'auth/login', { values }, { fields: missing });

    const now = clock();
    const result = await attemptLogin({ username: values.username, password: values.password, ip: req.ip, now });
    if (!result.ok) {
      const minutes = 'retryAfterMinutes' in result ? result.retryAfterMinutes : 0;
      if (minutes) res.set('Retry-After', String(minutes * 60));
      const problem = { fields: { _form: `login.${result.reason}` }, params: { _form: { minutes } } };
      return renderForm(res, 'auth/login', { values, status: FAILURE_STATUS[result.reason] }, problem);
    }
    await startUserSession(req, result.user, now);
    const target = result.user.mustChangePassword ? '/account/password' : safeLocalPath(values.returnTo, startPageOf(result.user.role));
    res.redirect(303, target);
  });

  return router;
}

function logoutRouter({ secureCookies }: FeatureDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    await endUserSession(req, res, secureCookies);
    res.redirect(303, '/login?loggedOut=1');
  });
  return router;
}

function sessionApiRouter(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const user = req.user;
    res.set('Cache-Control', 'no-store');
    res.json({ user: user && { username: user.username, displayName: user.displayName, role: user.role, departmentCode: user.departmentCode }, csrfToken: csrfTokenFor(req) });
  });
  return router;
}
