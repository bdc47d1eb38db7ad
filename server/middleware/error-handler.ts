// Owns the app's two last handlers: one 404 and one error handler, each answering HTML or
// JSON by content negotiation (always JSON under /api/). Details of a 500 are never shown
// outside development.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { termTranslator, translator, DEFAULT_LOCALE, type Translate } from '../i18n/index.js';
import { isDatabaseUnreachable } from '../db/availability.js';
import { AppError, BusyError, ClientError, ConflictError, describeError, fromMongooseValidation, isDuplicateKeyError, NotFoundError, UnavailableError, ValidationError } from '../errors.js';

export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError(`No page or resource at ${req.method} ${req.path}`);
};

/** body-parser's error types whose status alone would say too little. */
const LIBRARY_CODES: Readonly<Record<string, string>> = {
  'entity.too.large': 'payload_too_large',
  'parameters.too.many': 'too_many_parameters',
  'charset.unsupported': 'unsupported_media_type',
  'encoding.unsupported': 'unsupported_media_type',
  'entity.parse.failed': 'bad_request',
  'request.aborted': 'bad_request',
  'request.size.invalid': 'bad_request',
};

/**
 * Turns anything thrown into an AppError. An error that carries a 4xx status (body-parser,
 * http-errors, busboy wrappers…) keeps that status; a duplicate key is a conflict; anything
 * else is a plain 500 whose details stay in the log.
 */
export function normalise(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const validation = fromMongooseValidation(error);
  if (validation) return validation;
  if (isDuplicateKeyError(error)) return new ConflictError('A record with the same key already exists.');
  // A driver call in flight when the database went away: say so (503), as the availability
  // middleware does for the requests that follow.
  if (isDatabaseUnreachable(error)) return new UnavailableError('The database is temporarily unreachable.');
  const { status, statusCode, type, message } = (error ?? {}) as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (type === 'entity.parse.failed') return new ValidationError({ body: 'malformed JSON' }, 'The request body is not valid JSON.');
  if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) {
    const code = (typeof type === 'string' && LIBRARY_CODES[type]) || (httpStatus === 413 ? 'payload_too_large' : httpStatus === 415 ? 'unsupported_media_type' : 'bad_request');
    return new ClientError(httpStatus, code, typeof message === 'string' && message ? message : 'The request cannot be processed.');
  }
  return new AppError('Internal server error');
}

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

export function errorHandler(options: { showDetails: boolean }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = normalise(error);
    if (appError.status >= 500) req.log?.error({ err: error }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(appError.status);
    if (appError instanceof BusyError) res.set('Retry-After', String(appError.retryAfterSeconds));
    else if (appError instanceof UnavailableError) res.set('Retry-After', '5');
    const requestId = String(req.id ?? '');
    if (wantsJson(req)) {
      res.json(jsonBody(appError, requestId, options.showDetails ? error : undefined, res.locals.t ?? translator(DEFAULT_LOCALE)));
      return;
    }
    renderHtml(res, appError, requestId, options.showDetails && appError.status >= 500 ? (error as Error).stack : undefined);
  };
}

function jsonBody(error: AppError, requestId: string, raw: unknown, t: Translate) {
  const body: Record<string, unknown> = {
    code: error.code,
    ...(error.problem && error.status < 500 ? { problem: error.problem } : {}),
    // A catalogued message in the request's language; otherwise what the thrower wrote.
    message: error.status >= 500 && !(error instanceof UnavailableError) ? 'Internal server error' : error.localMessage ? describeError(t, error) : error.message,
    requestId,
  };
  if (error instanceof ValidationError) body.fields = error.fields;
  else if (error.details && error.status < 500) body.details = error.details;
  if (raw instanceof Error && error.status >= 500) body.detail = raw.stack;
  return { error: body };
}

function renderHtml(res: Response, error: AppError, requestId: string, stack: string | undefined): void {
  // Errors raised before the language middleware ran still get a page in the default language.
  if (!res.locals.t) {
    Object.assign(res.locals, { t: translator(DEFAULT_LOCALE), term: termTranslator(translator(DEFAULT_LOCALE)), locale: DEFAULT_LOCALE, otherLocale: 'en', langSwitchHref: '/?lang=en' });
  }
  res.locals.navLinks ??= [];
  const t = res.locals.t as Translate;
  const say = (key: string, _fallback: string) => t(key);
  const unavailable = error instanceof UnavailableError && !(error instanceof BusyError);
  const title =
    error.status === 404 ? say('error.404.title', 'Not found') :
    unavailable ? say('error.503.title', 'Service temporarily unavailable') :
    error.status >= 500 && !(error instanceof BusyError) ? say('error.500.title', 'Server error') :
    say('error.generic.title', 'Request failed');
  // A client error with a catalogue message or a catalogued code is explained in the page's
  // language; others say what the thrower wrote (domain errors carry messages meant for people).
  const message =
    error.status === 404 ? say('error.404.body', error.message) :
    unavailable ? say('error.503.body', 'The database is temporarily unreachable.') :
    error.status >= 500 && !(error instanceof BusyError) ? say('error.500.body', 'Internal server error') :
    describeError(t, error);
  res.render('errors/error', { title, message, requestId, stack }, (renderError, html) => {
    // If even the error page cannot render (e.g. a broken template), answer in plain text.
    if (renderError) res.type('text/plain').send(`${title}\n${message}\n${requestId}`);
    else res.send(html);
  });
}
