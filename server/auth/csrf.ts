// Owns CSRF protection. Every state-changing request (POST/PUT/PATCH/DELETE) carries a token —
// as the hidden form field `_csrf`, or as the `X-CSRF-Token` header for JSON calls under /api/
// (a page's script reads it from <meta name="csrf-token">). A multipart/form-data body is not
// parsed before this check: its `_csrf` field must come first (before any file), and is read
// here without consuming the body (server/http/multipart.ts, readLeadingField), so the token
// never travels in the URL. Two kinds of token, chosen by whether the request is signed in:
//  - signed in: a synchroniser token kept in the session (csrf-sync), bound to that session;
//  - anonymous (the login form): a stateless *signed double-submit* token (OWASP), so that
//    browsing anonymously never creates a session or writes to the database. A random nonce
//    lives in an HttpOnly cookie (`__Host-csrf` over HTTPS, which a sibling subdomain cannot
//    plant); the form carries HMAC(key, nonce), the key being derived from the session secret.
//    A forged form has neither the cookie's nonce nor the key to sign another one.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../errors.js';
import { readLeadingField } from '../http/multipart.js';

/** 403 with its own code, so that clients can tell "reload the form" from "not allowed". */
export class CsrfError extends AppError {
  override readonly status = 403;
  override readonly code = 'csrf_invalid';
}

export interface CsrfOptions {
  /** The session secret; the double-submit key is derived from it (never used as is). */
  secret: string;
  /** HTTPS end to end as Express sees it: the cookie is then Secure and __Host- prefixed. */
  secure: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-csrf' : 'csrf';
}

/** Where a request carries its token; found once per request by csrfProtection. */
const receivedToken = new WeakMap<Request, string | undefined>();

async function readToken(req: Request): Promise<string | undefined> {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body._csrf === 'string') return body._csrf;
  if (req.is('multipart/form-data')) return readLeadingField(req, '_csrf');
  return undefined;
}

function tokenFromRequest(req: Request): string | undefined {
  return receivedToken.get(req);
}

/** Constant-time comparison of two strings (false when either is missing). */
function sameToken(received: string | undefined, expected: string | undefined): boolean {
  if (typeof received !== 'string' || typeof expected !== 'string') return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Only token generation and storage come from csrf-sync; the comparison is ours (constant time).
const synchroniser = csrfSync({ size: 32 });

const issuedNonce = new WeakMap<Request, string>();

/** The stateless half: nonce cookie + HMAC token, for requests without a signed-in user. */
class DoubleSubmit {
  private readonly key: Buffer;
  private readonly cookie: string;

  constructor(private readonly options: CsrfOptions) {
    this.key = createHmac('sha256', options.secret).update('shuangsuiji/csrf/double-submit/v1').digest();
    this.cookie = csrfCookieName(options.secure);
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.key).update(nonce).digest('base64url');
  }

  /** The browser's nonce; a malformed cookie counts as none (a new nonce is then issued). */
  private nonceOf(req: Request): string | undefined {
    const value = parseCookie(req.headers.cookie ?? '')[this.cookie];
    return value && NONCE_PATTERN.test(value) ? value : undefined;
  }

  /** The token for the browser's nonce; a browser without one gets a new nonce cookie. */
  token(req: Request, res: Response): string {
    let nonce = this.nonceOf(req) ?? issuedNonce.get(req);
    if (!nonce) {
      nonce = randomBytes(32).toString('base64url');
      // No Max-Age: the nonce ends with the browser session. Lax, like the session cookie.
      res.cookie(this.cookie, nonce, { httpOnly: true, sameSite: 'lax', secure: this.options.secure, path: '/' });
      // A page rendering several forms reuses this nonce instead of minting one per form.
      issuedNonce.set(req, nonce);
    }
    return this.sign(nonce);
  }

  isValid(req: Request): boolean {
    const nonce = this.nonceOf(req);
    return nonce !== undefined && sameToken(tokenFromRequest(req), this.sign(nonce));
  }
}

const doubleSubmitOf = new WeakMap<Request, DoubleSubmit>();

/** Signed in as far as CSRF is concerned: loadCurrentUser found a valid user in the session. */
const signedIn = (req: Request) => req.user !== undefined;

/**
 * Checks the token on state-changing requests (unless the access table exempts the route) and
 * makes csrfTokenFor work for the rest of the request.
 */
export function csrfProtection(options: CsrfOptions): RequestHandler {
  const doubleSubmit = new DoubleSubmit(options);
  return async (req, res, next) => {
    doubleSubmitOf.set(req, doubleSubmit);
    // Set by the access middleware for public routes declared { access: 'public', csrf: false }.
    if (SAFE_METHODS.has(req.method) || res.locals.csrfExempt === true) return next();
    receivedToken.set(req, await readToken(req));
    const valid = signedIn(req)
      ? sameToken(tokenFromRequest(req), synchroniser.getTokenFromState(req) ?? undefined)
      : doubleSubmit.isValid(req);
    if (valid) return next();
    const t = res.locals.t as ((key: string) => string) | undefined;
    next(new CsrfError(t ? t('error.csrf') : 'The form has expired. Reload the page and try again.'));
  };
}

/**
 * The token a form or script of this request must send back: the session's for a signed-in
 * user (created on first use), otherwise a double-submit token (which sets only a cookie).
 */
export function csrfTokenFor(req: Request): string {
  if (signedIn(req)) return synchroniser.generateToken(req);
  const doubleSubmit = doubleSubmitOf.get(req);
  const res = req.res;
  if (!doubleSubmit || !res) throw new Error('csrfTokenFor: csrfProtection() has not run for this request');
  return doubleSubmit.token(req, res);
}
