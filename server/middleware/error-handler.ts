// Owns the app's two last handlers: one 404 and one error handler, each answering HTML or
// JSON by content negotiation (always JSON under /api/). Details of a 500 are never shown
// outside development.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { translator, DEFAULT_LOCALE } from '../i18n/index.js';
import { AppError, fromMongooseValidation, NotFoundError, PayloadTooLargeError, ValidationError } from '../errors.js';

export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError(`No page or resource at ${req.method} ${req.path}`);
};

/** Turns anything thrown into an AppError; unknown errors become a plain 500. */
function normalise(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const validation = fromMongooseValidation(error);
  if (validation) return validation;
  const status = (error as { status?: number; type?: string }).status;
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return new PayloadTooLargeError('The request body is too large.');
  if (type === 'entity.parse.failed') return new ValidationError({ body: 'malformed JSON' }, 'The request body is not valid JSON.');
  if (status === 400) return new ValidationError({}, 'The request is malformed.');
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
    const requestId = String(req.id ?? '');
    if (wantsJson(req)) {
      res.json(jsonBody(appError, requestId, options.showDetails ? error : undefined));
      return;
    }
    renderHtml(res, appError, requestId, options.showDetails && appError.status >= 500 ? (error as Error).stack : undefined);
  };
}

function jsonBody(error: AppError, requestId: string, raw: unknown) {
  const body: Record<string, unknown> = {
    code: error.code,
    message: error.status >= 500 ? 'Internal server error' : error.message,
    requestId,
  };
  if (error instanceof ValidationError) body.fields = error.fields;
  if (raw instanceof Error && error.status >= 500) body.detail = raw.stack;
  return { error: body };
}

function renderHtml(res: Response, error: AppError, requestId: string, stack: string | undefined): void {
  // Errors raised before the language middleware ran still get a page in the default language.
  if (!res.locals.t) {
    Object.assign(res.locals, { t: translator(DEFAULT_LOCALE), locale: DEFAULT_LOCALE, otherLocale: 'en', langSwitchHref: '/?lang=en' });
  }
  res.locals.navLinks ??= [];
  const t = res.locals.t as (key: string) => string;
  const say = (key: string, _fallback: string) => t(key);
  const title =
    error.status === 404 ? say('error.404.title', 'Not found') :
    error.status >= 500 ? say('error.500.title', 'Server error') :
    say('error.generic.title', 'Request failed');
  const message =
    error.status === 404 ? say('error.404.body', error.message) :
    error.status >= 500 ? say('error.500.body', 'Internal server error') :
    error.message;
  res.render('errors/error', { title, message, requestId, stack }, (renderError, html) => {
    // If even the error page cannot render (e.g. a broken template), answer in plain text.
    if (renderError) res.type('text/plain').send(`${title}\n${message}\n${requestId}`);
    else res.send(html);
  });
}
