// Owns the roster import pages and API: upload a CSV/XLSX of entities, inspectors or items,
// watch its progress, download the error report. The work itself is server/import/ (the same
// engine as `npm run import`); this router only moves files and renders progress.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { IMPORT_KINDS } from '../../models/import-run.js';
import { AppError, describeError, ValidationError, type Translate } from '../errors.js';
import { uploadedFields, withUploadedFile } from '../http/multipart.js';
import { renderForm } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { getImportRun, listImportRuns, openErrorReport, startImport, type ImportHandle } from '../import/index.js';
import type { ImportRunView } from '../import/runs.js';
import { failureText, rowErrorText } from '../import/messages.js';
import type { CurrentUser } from '../auth/session.js';
import { ADMIN } from '../access/rules.js';
import { mount, type FeatureDeps } from './mount.js';

/** Spreadsheets of a whole province fit; anything larger is refused while it streams. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

const optionsSchema = z.object({
  kind: z.enum(IMPORT_KINDS, 'invalid_choice'),
  encoding: z.preprocess((v) => (v === '' || v === undefined ? 'auto' : v), z.enum(['auto', 'utf-8', 'gb18030'], 'invalid_choice')),
  dryRun: z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean()),
});

function startFromUpload(req: Request, res: Response, dataDir: string, via: 'web' | 'api', fixedKind?: string): Promise<ImportHandle> {
  return withUploadedFile(req, 'file', { maxFileBytes: MAX_UPLOAD_BYTES }, async ({ fields, fileName, stream }) => {
    const parsed = parseInput(optionsSchema, { ...fields, ...(fixedKind ? { kind: fixedKind } : {}) });
    if (!parsed.ok) throw new ValidationError(parsed.fields);
    const user = req.user as CurrentUser;
    return startImport({
      kind: parsed.value.kind,
      source: { stream, fileName, maxBytes: MAX_UPLOAD_BYTES },
      user: { userId: user.id, username: user.username, via },
      dataDir,
      encoding: parsed.value.encoding,
      dryRun: parsed.value.dryRun,
      // The error report is written in the background in the language of whoever started it.
      locale: res.locals.locale,
    });
  });
}

// Only admins change the rosters.
export const importsPageMount = mount({
  path: '/admin/imports',
  rules: {
    'GET /': ADMIN,
    'POST /': ADMIN,
    'GET /:id': ADMIN,
    'GET /:id/errors.csv': ADMIN,
  },
  router: importsPageRouter,
});

// JSON API: other government systems push roster files the same way.
export const importsApiMount = mount({
  path: '/api/v1/imports',
  rules: {
    'POST /:kind': ADMIN,
    'GET /': ADMIN,
    'GET /:id': ADMIN,
    'GET /:id/errors.csv': ADMIN,
  },
  router: importsApiRouter,
});

function importsPageRouter({ dataDir }: FeatureDeps): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    renderForm(res, 'admin/imports/index', { runs: await listImportRuns({ limit: 20 }), kinds: IMPORT_KINDS, failure: undefined });
  });

  router.post('/', async (req, res) => {
    try {
      const handle = await startFromUpload(req, res, dataDir, 'web');
      res.redirect(303, `/admin/imports/${handle.runId}`);
    } catch (error) {
      // Any client error (bad file, a running import of the same file, a malformed or oversized
      // upload) re-renders the form with its status, messages and choices; server errors go on.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const failure = error instanceof ValidationError ? undefined : describeError(res.locals.t as Translate, error);
      const locals = { runs: await listImportRuns({ limit: 20 }), kinds: IMPORT_KINDS, failure, values: uploadedFields(req), status: error.status };
      renderForm(res, 'admin/imports/index', locals, error instanceof ValidationError ? { fields: error.fields, params: error.params } : undefined);
    }
  });

  router.get('/:id', async (req, res) => {
    res.render('admin/imports/show', { run: await getImportRun(req.params.id), rowErrorText, failureText });
  });

  router.get('/:id/errors.csv', async (req, res) => {
    const report = await openErrorReport(req.params.id, dataDir);
    res.attachment(report.fileName).type('text/csv; charset=utf-8').set('Content-Length', String(report.size));
    report.stream.pipe(res);
  });
  return router;
}

function importsApiRouter({ dataDir }: FeatureDeps): Router {
  const router = Router();
  router.post('/:kind', async (req, res) => {
    const handle = await startFromUpload(req, res, dataDir, 'api', req.params.kind);
    res.status(202).location(`/api/v1/imports/${handle.runId}`).json({ runId: handle.runId, unknownColumns: handle.unknownColumns, repeatedColumns: handle.repeatedColumns, resumedFromRow: handle.resumedFromRow ?? null });
  });
  router.get('/', async (_req, res) => {
    res.json({ runs: await listImportRuns({ limit: 50 }) });
  });
  router.get('/:id', async (req, res) => {
    res.json({ run: withMessages(await getImportRun(req.params.id), res.locals.t as Translate) });
  });
  router.get('/:id/errors.csv', async (req, res) => {
    const report = await openErrorReport(req.params.id, dataDir);
    res.attachment(report.fileName).type('text/csv; charset=utf-8');
    report.stream.pipe(res);
  });
  return router;
}

/** A run for the API: each sample error and the failure with its message in the request's language. */
function withMessages(run: ImportRunView, t: Translate) {
  return {
    ...run,
    sampleErrors: run.sampleErrors.map((e) => ({ ...e, message: rowErrorText(t, e) })),
    ...(run.failure ? { failure: { ...run.failure, message: failureText(t, run.failure) } } : {}),
  };
}
