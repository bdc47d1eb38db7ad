// THE SHAPE OF THE ACCESS TABLE: who may call every route of the app. The rules themselves live
// beside their routes: each router module exports a mount (server/routes/mount.ts) with its
// mount path, its rules relative to that path and its router factory; server/features.ts lists
// the mounts in order, app.ts mounts each at its path and the table the middleware compiles is
// assembled from the same list (accessTableOf). Each rule is
//   'METHOD /path-as-written-in-the-router': 'public' | 'authenticated' | ['role', …]
//
// How a new feature declares its routes — in its router module, e.g. server/routes/plans.ts:
//   export const plansMount = mount({
//     path: '/plans',                        // app.use('/plans', router)
//     rules: {
//       'GET /': STAFF,                      // router.get('/', …)
//       'POST /:id/lock': SUPERVISOR,        // router.post('/:id/lock', …)
//     },
//     router: plansRouter,                   // (deps: FeatureDeps) => Router
//   });
// then add plansMount to MOUNTS in server/features.ts (pages and /api/v1/… are two mounts of
// one module). Nothing else: no central file to edit.
//
// Enforcement (server/access/middleware.ts) runs before every router: a request matching no
// rule answers 404, so a route without a rule is unreachable rather than open. A test walks the
// real app's router stack and fails when a route lacks a rule or a rule lacks a route
// (test/integration/access/route-table.test.ts), then calls every protected route anonymously
// and with every role that is not listed.
// Paths use Express syntax (literal segments, :param, *rest). Department scoping (a supervisor
// acts only within their department) is a per-record check inside the handler: see scope.ts.
// HEAD is answered by the GET rule. Pages answer anonymous callers with 303 → /login; paths
// under /api/ answer 401 JSON. Wrong roles get 403. Every POST/PUT/PATCH/DELETE needs the
// session's CSRF token (server/auth/csrf.ts) — except a public route that changes nothing and
// ignores the session may say so: 'POST /verify': { access: 'public', csrf: false }.
// Routes whose patterns overlap (/x/lookup beside /x/:id) must not grant different access
// (the route-table test reports it): use distinct prefixes such as /api/v1/admin/….
// Views ask the same rules what to show: can('POST', '/admin/entities/…') (server/access/policy.ts).
import type { Role } from '../../models/user.js';

export type { Role };
export type Access = 'public' | 'authenticated' | readonly Role[];
/** A stateless public route that needs no CSRF token (the only allowed exemption). */
export type CsrfExempt = { readonly access: 'public'; readonly csrf: false };
/** 'METHOD /path' (path relative to the mount) → who may call it. */
export type RouteRules = Readonly<Record<string, Access | CsrfExempt>>;
/** Mount path → the rules of the routers mounted there. */
export type AccessTable = Readonly<Record<string, RouteRules>>;

// The role lists rules are written with.
export const ADMIN: readonly Role[] = ['admin'];
export const SUPERVISOR: readonly Role[] = ['supervisor'];
export const INSPECTOR: readonly Role[] = ['inspector'];
/** Back-office staff: administrators and supervisors. */
export const STAFF: readonly Role[] = ['admin', 'supervisor'];
/** Read-only supervision (执法监督: 纪检, 司法行政): reads every department, acts on nothing. */
export const OBSERVER: readonly Role[] = ['observer'];
/** Who reads plans, tasks, draws and the audit trail: staff and observers (GET routes only). */
export const STAFF_OR_OBSERVER: readonly Role[] = [...STAFF, ...OBSERVER];
/** Who sees the supervision alerts: supervisors (their department) and observers (all). */
export const SUPERVISION: readonly Role[] = ['supervisor', ...OBSERVER];

/** Routes a user who must change their password may still use (besides public ones). */
export const PASSWORD_CHANGE_ROUTES: readonly string[] = ['GET /account/password', 'POST /account/password', 'POST /logout'];
