// THE ACCESS TABLE: who may call every route of the app. One entry per route, grouped by the
// path its router is mounted at (app.use(mount, router) in server/app.ts); each entry is
//   'METHOD /path-as-written-in-the-router': 'public' | 'authenticated' | ['role', …]
// Enforcement (server/access/middleware.ts) runs before every router: a request matching no
// entry answers 404, so an undeclared route is unreachable rather than open. A test walks the
// real app's router stack and fails when a route lacks an entry or an entry lacks a route
// (test/integration/access/route-table.test.ts), then tries every protected route anonymously
// and with every role that is not listed.
//
// How a new router declares its rules — add one block here, mount the router in app.ts:
//   '/admin/plans': {                      // app.use('/admin/plans', plansRouter())
//     'GET /': ['admin', 'supervisor'],     // router.get('/', …)
//     'POST /:id/lock': ['supervisor'],     // router.post('/:id/lock', …)
//   },
//   '/api/v1': { 'GET /draws/:id': 'public' },
// Paths use Express syntax (literal segments, :param, *rest). Department scoping (a supervisor
// acts only within their department) is a per-record check inside the handler: see scope.ts.
// HEAD is answered by the GET entry. Pages answer anonymous callers with 303 → /login;
// paths under /api/ answer 401 JSON. Wrong roles get 403. Every POST/PUT/PATCH/DELETE needs
// the session's CSRF token (server/auth/csrf.ts) — except a public route that changes nothing
// and ignores the session may say so: 'POST /api/v1/draws/verify': { access: 'public', csrf: false }.
// Routes whose patterns overlap (/x/lookup beside /x/:id) must not grant different access
// (the route-table test reports it): use distinct prefixes such as /api/v1/admin/….
import type { Role } from '../../models/user.js';

export type { Role };
export type Access = 'public' | 'authenticated' | readonly Role[];
/** A stateless public route that needs no CSRF token (the only allowed exemption). */
export type CsrfExempt = { readonly access: 'public'; readonly csrf: false };
/** 'METHOD /path' (path relative to the mount) → who may call it. */
export type RouteRules = Readonly<Record<string, Access | CsrfExempt>>;
/** Mount path → that router's rules. */
export type AccessTable = Readonly<Record<string, RouteRules>>;

const STAFF: readonly Role[] = ['admin', 'supervisor'];
const ADMIN: readonly Role[] = ['admin'];

export const ACCESS_TABLE: AccessTable = {
  '/': {
    // server/routes/health.ts — mounted before sessions; probes must stay public.
    'GET /healthz': 'public',
    'GET /readyz': 'public',
    // server/routes/home.ts
    'GET /': 'public',
    // server/routes/auth.ts
    'GET /login': 'public',
    'POST /login': 'public',
    'POST /logout': 'authenticated',
    'GET /api/v1/session': 'authenticated',
    // server/routes/public-rosters.ts — public by law (事项清单公开, 持证人员信息公开)
    'GET /items': 'public',
    'GET /inspectors': 'public',
    'GET /api/v1/items': 'public',
    'GET /api/v1/inspectors/lookup': 'public',
    // server/routes/verify.ts — anyone may verify a draw; verifying changes nothing, so no CSRF
    'GET /verify': 'public',
    'POST /verify': { access: 'public', csrf: false },
    'GET /draw-spec': 'public',
    'POST /api/v1/draws/verify': { access: 'public', csrf: false },
    // server/routes/admin-rosters.ts — the rosters hold who may be inspected: staff only
    'GET /admin/entities': STAFF,
    'GET /admin/entities/:code': STAFF,
    'GET /admin/entities/:code/edit': ADMIN,
    'POST /admin/entities/:code': ADMIN,
    'POST /admin/entities/:code/deactivate': ADMIN,
    'POST /admin/entities/:code/activate': ADMIN,
    'GET /admin/inspectors': STAFF,
    'GET /admin/inspectors/:id': STAFF,
    'GET /admin/inspectors/:id/edit': ADMIN,
    'POST /admin/inspectors/:id': ADMIN,
    'POST /admin/inspectors/:id/deactivate': ADMIN,
    'POST /admin/inspectors/:id/activate': ADMIN,
    'GET /api/v1/admin/entities': STAFF,
    'GET /api/v1/admin/entities/:code': STAFF,
    'GET /api/v1/admin/inspectors': STAFF,
    'GET /api/v1/admin/inspectors/:id': STAFF,
    // server/routes/admin-catalog.ts — the item list and dictionaries are the admin's
    'GET /admin/items': ADMIN,
    'GET /admin/items/:code/edit': ADMIN,
    'POST /admin/items/:code': ADMIN,
    'POST /admin/items/:code/deactivate': ADMIN,
    'POST /admin/items/:code/activate': ADMIN,
    'GET /admin/dictionaries': ADMIN,
    'POST /admin/dictionaries/:dictionary': ADMIN,
    'POST /admin/dictionaries/:dictionary/:code': ADMIN,
    // server/routes/admin-imports.ts — only admins change the rosters
    'GET /admin/imports': ADMIN,
    'POST /admin/imports': ADMIN,
    'GET /admin/imports/:id': ADMIN,
    'GET /admin/imports/:id/errors.csv': ADMIN,
    'POST /api/v1/imports/:kind': ADMIN,
    'GET /api/v1/imports': ADMIN,
    'GET /api/v1/imports/:id': ADMIN,
    'GET /api/v1/imports/:id/errors.csv': ADMIN,
  },
  // server/routes/account.ts
  '/account': {
    'GET /password': 'authenticated',
    'POST /password': 'authenticated',
  },
  // server/routes/admin-users.ts — supervisors see their own department's users, read-only.
  '/admin/users': {
    'GET /': STAFF,
    'GET /new': ADMIN,
    'POST /': ADMIN,
    'GET /:id': STAFF,
    'POST /:id/assignment': ADMIN,
    'POST /:id/password': ADMIN,
    'POST /:id/disable': ADMIN,
    'POST /:id/enable': ADMIN,
  },
};

/** Routes a user who must change their password may still use (besides public ones). */
export const PASSWORD_CHANGE_ROUTES: readonly string[] = ['GET /account/password', 'POST /account/password', 'POST /logout'];
