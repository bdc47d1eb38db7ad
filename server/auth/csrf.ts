// Owns CSRF protection (synchroniser-token pattern, csrf-sync): a random token kept in the
// session must come back with every state-changing request — as the hidden form field `_csrf`,
// or as the `X-CSRF-Token` header for JSON calls under /api/ (a page's script reads it from
// <meta name="csrf-token">). multipart/form-data bodies are not parsed before this check, so
// upload forms carry the token in the action URL's `_csrf` query parameter instead.
import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../errors.js';

/** 403 with its own code, so that clients can tell "reload the form" from "not allowed". */
export class CsrfError extends AppError {
  override readonly status = 403;
  override readonly code = 'csrf_invalid';
}

function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body._csrf === 'string') return body._csrf;
  if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return undefined;
}

const csrf = csrfSync({
  getTokenFromRequest: tokenFromRequest,
  size: 32,
  // Set by the access middleware for public routes declared { access: 'public', csrf: false }.
  skipCsrfProtection: (req) => req.res?.locals.csrfExempt === true,
});

/** Checks the token on POST/PUT/PATCH/DELETE; gives every request req.csrfToken(). */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    csrf.csrfSynchronisedProtection(req, res, (error?: unknown) => {
      if (!error) return next();
      const t = res.locals.t as ((key: string) => string) | undefined;
      next(new CsrfError(t ? t('error.csrf') : 'The form has expired. Reload the page and try again.'));
    });
  };
}

/** The session's token (created on first use, which is what makes an anonymous session stick). */
export function csrfTokenFor(req: Request): string {
  return csrf.generateToken(req);
}
