// Owns the open-data routes (一公开 as data): the /open-data page documenting every file and its
// columns, the files themselves (results and announcements as CSV and JSON, streamed from a
// cursor), the Atom feed of publications, and the public JSON API of results (/api/v1/public).
// Everything here is public and shows only what server/results/published.ts makes public.
//
// Caching: the page, the feed and the API answer through publicCache() (a server copy dropped
// by every publication, plus ETag/Last-Modified). The files are streamed, never held whole, so
// they carry validators only — derived from the same publication generation — and a reader who
// already has the current file gets a 304 without the database being read.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { requireInput, parseInput } from '../http/validate.js';
import { renderForm } from '../http/forms.js';
import { currentGeneration, MAX_AGE_MS, publicCache } from '../http/public-cache.js';
import { departmentOptions } from '../rosters/departments.js';
import { announcementLine, ANNOUNCEMENT_COLUMNS, EXPORTS, RESULT_COLUMNS, resultLines, type ResultRow } from '../open-data/columns.js';
import { exportFilterSchema, fileName, filterQuery, type ExportFilter } from '../open-data/filters.js';
import { csvText, jsonText, sendText } from '../open-data/stream.js';
import { resultRows } from '../open-data/results.js';
import { announcementRows } from '../open-data/announcements.js';
import { feedEntries, feedXml } from '../open-data/feed.js';
import { apiQuerySchema, searchPublicResults } from '../open-data/api.js';
import { mount, type FeatureDeps } from './mount.js';

export const openDataMount = mount({
  path: '/open-data',
  rules: {
    'GET /': 'public',
    'GET /results.csv': 'public',
    'GET /results.json': 'public',
    'GET /announcements.csv': 'public',
    'GET /announcements.json': 'public',
    'GET /feed.atom': 'public',
  },
  router: openDataRouter,
});

export const publicApiMount = mount({
  path: '/api/v1/public',
  rules: { 'GET /results': 'public' },
  router: publicApiRouter,
});

/**
 * Validators of a streamed file: the publication generation (what the public can see) and the
 * URL; the time bucket bounds staleness as the page cache's MAX_AGE_MS does. True when answered 304.
 */
async function fileValidators(req: Request, res: Response): Promise<boolean> {
  const generation = await currentGeneration();
  const bucket = Math.floor(Date.now() / MAX_AGE_MS);
  const tag = createHash('sha256').update(`${generation.stamp} ${bucket} ${req.originalUrl}`).digest('base64url').slice(0, 27);
  res.set({ ETag: `W/"${tag}"`, 'Last-Modified': generation.changedAt.toUTCString(), 'Cache-Control': 'public, no-cache', 'X-Content-Type-Options': 'nosniff' });
  if (req.fresh) {
    res.status(304).end();
    return true;
  }
  return false;
}

/** The filter of a file request; a bad one answers 422 JSON (the error handler) before any byte. */
function fileFilter(req: Request): ExportFilter {
  return requireInput(exportFilterSchema, req.query);
}

async function* resultLinesOf(rows: AsyncIterable<ResultRow>): AsyncGenerator<string[]> {
  for await (const row of rows) yield* resultLines(row);
}

async function* mapRows<T, U>(rows: AsyncIterable<T>, fn: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield fn(row);
}

/**
 * Open data is for other sites' scripts too: any origin may read it from a browser. Safe: these
 * answers are the same for everyone and no credentials are involved (no cookie is allowed).
 */
function anyOrigin(_req: Request, res: Response, next: () => void): void {
  res.set('Access-Control-Allow-Origin', '*');
  next();
}

function openDataRouter({ timeZone }: FeatureDeps): Router {
  const router = Router();
  router.use(anyOrigin);

  router.get('/', publicCache(), async (req, res) => {
    const parsed = parseInput(exportFilterSchema, req.query);
    const filter = parsed.ok ? parsed.value : {};
    const values = { year: typeof req.query.year === 'string' ? req.query.year : '', department: typeof req.query.department === 'string' ? req.query.department : '' };
    renderForm(res, 'open-data/index', {
      exports: EXPORTS, resultColumns: RESULT_COLUMNS.map((c) => c.key), announcementColumns: ANNOUNCEMENT_COLUMNS.map((c) => c.key),
      query: filterQuery(filter), departments: await departmentOptions(), values,
    }, parsed.ok ? undefined : parsed);
  });

  router.get('/results.csv', async (req, res) => {
    const filter = fileFilter(req);
    if (await fileValidators(req, res)) return;
    res.attachment(fileName('results', 'csv', filter));
    await sendText(req, res, 'text/csv; charset=utf-8', () => csvText(RESULT_COLUMNS.map((c) => c.key), resultLinesOf(resultRows(filter, timeZone))));
  });

  router.get('/results.json', async (req, res) => {
    const filter = fileFilter(req);
    if (await fileValidators(req, res)) return;
    await sendText(req, res, 'application/json; charset=utf-8', () => jsonText({ filter, documentation: '/open-data' }, 'results', resultRows(filter, timeZone)));
  });

  router.get('/announcements.csv', async (req, res) => {
    const filter = fileFilter(req);
    if (await fileValidators(req, res)) return;
    res.attachment(fileName('announcements', 'csv', filter));
    await sendText(req, res, 'text/csv; charset=utf-8', () => csvText(ANNOUNCEMENT_COLUMNS.map((c) => c.key), mapRows(announcementRows(filter), announcementLine)));
  });

  router.get('/announcements.json', async (req, res) => {
    const filter = fileFilter(req);
    if (await fileValidators(req, res)) return;
    await sendText(req, res, 'application/json; charset=utf-8', () => jsonText({ filter, documentation: '/open-data' }, 'announcements', announcementRows(filter)));
  });

  router.get('/feed.atom', publicCache(), async (req, res) => {
    const filter = fileFilter(req);
    const [entries, generation] = await Promise.all([feedEntries(filter, timeZone), currentGeneration()]);
    res.type('application/atom+xml; charset=utf-8').send(feedXml(entries, filter, generation.changedAt, res.locals.t, String(res.locals.locale)));
  });

  return router;
}

function publicApiRouter({ timeZone }: FeatureDeps): Router {
  const router = Router();
  router.use(anyOrigin);
  router.get('/results', publicCache(), async (req, res) => {
    const query = requireInput(apiQuerySchema, req.query);
    res.json(await searchPublicResults(query, timeZone));
  });
  return router;
}
