// Owns the public draw-verification page: anyone uploads an exported draw record and sees
// whether it recomputes. With JavaScript the browser runs the very same engine (bundled in
// public/build/draw-verify.js) and nothing is uploaded; without it the server runs it.
import { Router, type Request } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { verify, type VerifyResult } from '../draw/index.js';
import { BusyError, ValidationError } from '../errors.js';
import { readUploadedFile, uploadedFields } from '../http/multipart.js';
import { renderForm } from '../http/forms.js';
import { renderMarkdown, type RenderedDocument } from '../text/markdown.js';
import { mount, type FeatureDeps } from './mount.js';

/**
 * The largest record accepted for upload. A record grows by about 105 bytes per pool entity,
 * so this covers draws from pools of up to about 300,000 entities (a county's whole roster)
 * with margin; larger draws are verified offline with `npm run verify-draw`, which reads the
 * file from disk.
 */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** Verifications running at once (each holds a record and recomputes a draw); more wait their turn by retrying. */
export const MAX_CONCURRENT_VERIFICATIONS = 2;

/**
 * A counter of verification slots: its function runs `work` if a slot is free, else answers 503
 * busy at once (before reading the body). Each router that verifies keeps its own.
 */
export function verificationSlots() {
  let active = 0;
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= MAX_CONCURRENT_VERIFICATIONS) throw new BusyError('Other draws are being verified right now; try again in a few seconds.');
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
    }
  };
}

interface UploadedRecord {
  text: string;
  /** The digest the task's announcement published, when the visitor gives it (ssj-draw/2). */
  announcementDigest?: string;
}

const DIGEST = /^[0-9a-f]{64}$/;

async function readUploadedRecord(req: Request): Promise<UploadedRecord> {
  const { content, fields } = await readUploadedFile(req, 'record', { maxFileBytes: MAX_RECORD_BYTES, maxFields: 5 });
  const digest = (fields.announcementDigest ?? '').trim().toLowerCase();
  if (digest !== '' && !DIGEST.test(digest)) throw new ValidationError({ announcementDigest: 'invalid_digest' }, 'The announcement digest is 64 hexadecimal characters.');
  return { text: content.toString('utf8'), ...(digest === '' ? {} : { announcementDigest: digest }) };
}

function verifyUpload({ text, announcementDigest }: UploadedRecord): VerifyResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'RECORD_INVALID', path: '', message: `not JSON: ${(error as Error).message}` } as VerifyResult;
  }
  return verify(record, { published: announcementDigest ? { announcementDigest } : {} });
}

// Anyone may verify a draw; verifying changes nothing and ignores the session, so no CSRF token.
export const verifyPageMount = mount({
  path: '/verify',
  rules: {
    'GET /': 'public',
    'POST /': { access: 'public', csrf: false },
  },
  router: verifyPageRouter,
});

// The specification a verifier is built from: a page, and the Markdown it is written in at a
// stable address (/draw-spec.md) for those who implement it.
export const drawSpecMount = mount({
  path: '/draw-spec',
  rules: { 'GET /': 'public' },
  router: drawSpecRouter,
});

export const drawSpecTextMount = mount({
  path: '/draw-spec.md',
  rules: { 'GET /': 'public' },
  router: drawSpecTextRouter,
});

const DRAW_SPEC = join(PROJECT_ROOT, 'DRAW-SPEC.md');

export const verifyApiMount = mount({
  path: '/api/v1/draws',
  rules: { 'POST /verify': { access: 'public', csrf: false } },
  router: verifyApiRouter,
});

/** One set of slots for the page and the API of an app. */
const slotsOfApp = new WeakMap<FeatureDeps, ReturnType<typeof verificationSlots>>();
function slotsFor(deps: FeatureDeps): ReturnType<typeof verificationSlots> {
  let slots = slotsOfApp.get(deps);
  if (!slots) {
    slots = verificationSlots();
    slotsOfApp.set(deps, slots);
  }
  return slots;
}

function verifyPageRouter(deps: FeatureDeps): Router {
  const router = Router();
  const inSlot = slotsFor(deps);
  router.get('/', (_req, res) => {
    renderForm(res, 'public/verify', { result: undefined });
  });
  router.post('/', async (req, res) => {
    try {
      const { result, announcementDigest } = await inSlot(async () => {
        const upload = await readUploadedRecord(req);
        return { result: verifyUpload(upload), announcementDigest: upload.announcementDigest };
      });
      renderForm(res, 'public/verify', { result, values: { announcementDigest: announcementDigest ?? '' } });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      renderForm(res, 'public/verify', { result: undefined, values: uploadedFields(req) }, error);
    }
  });
  return router;
}

function drawSpecRouter(): Router {
  const router = Router();
  // Rendered once per process: the document ships with the code.
  let rendered: Promise<RenderedDocument> | undefined;
  router.get('/', async (_req, res) => {
    rendered ??= readFile(DRAW_SPEC, 'utf8').then(renderMarkdown);
    res.render('public/draw-spec', { spec: await rendered });
  });
  return router;
}

function drawSpecTextRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('text/markdown; charset=utf-8').sendFile(DRAW_SPEC);
  });
  return router;
}

function verifyApiRouter(deps: FeatureDeps): Router {
  const router = Router();
  const inSlot = slotsFor(deps);
  router.post('/verify', async (req, res) => {
    res.json({ result: await inSlot(async () => verifyUpload(await readUploadedRecord(req))) });
  });
  return router;
}
