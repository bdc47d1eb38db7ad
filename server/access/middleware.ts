// Owns enforcement of the access table: one middleware in front of every router. It answers
// 404 for requests no rule covers (fail closed), sends anonymous visitors of protected pages
// to the login page (401 JSON under /api/), refuses wrong roles with 403, and keeps a user who
// must change their password on the password page.
import type { Request, RequestHandler, Response } from 'express';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { allows, compileTable, isPublic, matchingRules, type CompiledRule } from './policy.js';
import { PASSWORD_CHANGE_ROUTES, type AccessTable } from './rules.js';

/** Marks the middleware so the route-table check knows which routes come after it. */
export const ACCESS_GUARD = Symbol.for('shuangsuiji.access-guard');

export class PasswordChangeRequiredError extends AppError {
  override readonly status = 403;
  override readonly code = 'password_change_required';
}

export function isApiPath(path: string): boolean {
  return /^\/api(\/|$)/i.test(path);
}

function say(res: Response, key: string, fallback: string): string {
  const t = res.locals.t as ((key: string) => string) | undefined;
  return t ? t(key) : fallback;
}

/** Where the login page sends the user back to: only for GET, since a POST cannot be replayed. */
export function loginRedirect(req: Request): string {
  if (req.method !== 'GET' && req.method !== 'HEAD') return '/login';
  return `/login?returnTo=${encodeURIComponent(req.originalUrl)}`;
}

function refuseAnonymous(req: Request, res: Response): void {
  if (isApiPath(req.path)) throw new UnauthorizedError(say(res, 'access.unauthenticated', 'Sign in first.'));
  res.redirect(303, loginRedirect(req));
}

function mustChangePasswordFirst(req: Request, matched: CompiledRule[]): boolean {
  if (!req.user?.mustChangePassword || isPublic(matched)) return false;
  return !matched.every((rule) => PASSWORD_CHANGE_ROUTES.includes(`${rule.method} ${rule.path}`));
}

export type AccessMiddleware = RequestHandler & { [ACCESS_GUARD]: true; rules: readonly CompiledRule[] };

export function accessControl(table: AccessTable): AccessMiddleware {
  const rules = compileTable(table);
  const middleware: RequestHandler = (req, res, next) => {
    const matched = matchingRules(rules, req.method, req.path);
    if (matched.length === 0) throw new NotFoundError(`No page or resource at ${req.method} ${req.path}`);
    if (!matched.every((rule) => allows(rule.access, req.user))) {
      if (!req.user) return refuseAnonymous(req, res);
      throw new ForbiddenError(say(res, 'access.forbidden', 'You are not allowed to do this.'));
    }
    // Read by the CSRF check that follows: only stateless public routes may go without a token.
    res.locals.csrfExempt = matched.every((rule) => !rule.csrf);
    if (mustChangePasswordFirst(req, matched)) {
      if (isApiPath(req.path)) throw new PasswordChangeRequiredError(say(res, 'access.password_change_required', 'Change your password first.'));
      return res.redirect(303, '/account/password');
    }
    next();
  };
  return Object.assign(middleware, { [ACCESS_GUARD]: true as const, rules });
}
