// Owns the answer while the database is unreachable: every page and API call behind this
// middleware gets a 503 at once — an HTML page saying the service is temporarily unavailable
// (in the visitor's language), or JSON {error: {code: 'unavailable'}} under /api/ — instead of
// waiting on the driver and failing with a 500 seconds later. Probes and static files are
// mounted before it and keep answering. Availability comes from the driver's topology
// monitoring (server/db/availability.ts): no ping per request.
import type { Request, RequestHandler, Response } from 'express';
import { databaseAvailable } from '../db/availability.js';

const RETRY_AFTER_SECONDS = 5;

export function databaseAvailability(): RequestHandler {
  return (req, res, next) => {
    if (!databaseAvailable()) {
      answerUnavailable(req, res);
      return;
    }
    // A request already past this point when the database goes is not answered from here (the
    // route may still write its own answer, and Express throws on a second one): the driver's
    // half-second server selection (server/db/connect.ts) makes it fail about as fast.
    next();
  };
}

function answerUnavailable(req: Request, res: Response): void {
  res.status(503).set({ 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' });
  const t = (res.locals.t as ((key: string) => string) | undefined) ?? ((key: string) => key);
  const requestId = String(req.id ?? '');
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: { code: 'unavailable', message: 'The service is temporarily unavailable (database unreachable); retry shortly.', requestId } });
    return;
  }
  res.locals.navLinks ??= [];
  const title = t('error.503.title');
  const message = t('error.503.body');
  res.render('errors/error', { title, message, requestId }, (error, html) => {
    if (error) res.type('text/plain').send(`${title}\n${message}\n`);
    else res.send(html);
  });
}
