// Owns the public draw-verification page: anyone uploads an exported draw record and sees
// whether it recomputes. With JavaScript the browser runs the very same engine (bundled in
// public/build/draw-verify.js) and nothing is uploaded; without it the server runs it.
import { Router, type Request } from 'express';
import busboy from 'busboy';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { verify, type VerifyResult } from '../draw/index.js';
import { PayloadTooLargeError, ValidationError } from '../errors.js';

/** A national-scale draw record (5M-entity pool digest, 150k selections) stays well under this. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Reads the single uploaded file field `record` into memory, bounded by MAX_RECORD_BYTES. */
function readUploadedRecord(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_RECORD_BYTES, fields: 5 } });
    } catch {
      reject(new ValidationError({ record: 'no_file' }, 'Upload the draw record as a file.'));
      return;
    }
    let content: Buffer | undefined;
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(new PayloadTooLargeError(`The record is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB.`)));
      stream.on('end', () => {
        if (name === 'record') content = Buffer.concat(chunks);
      });
    });
    parser.on('error', reject);
    parser.on('close', () => (content && content.length > 0 ? resolve(content) : reject(new ValidationError({ record: 'no_file' }, 'Choose a draw record file.'))));
    req.pipe(parser);
  });
}

function verifyText(text: string): VerifyResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'RECORD_INVALID', path: '', message: `not JSON: ${(error as Error).message}` } as VerifyResult;
  }
  return verify(record);
}

export function verifyRouter(): Router {
  const router = Router();
  router.get('/verify', (_req, res) => {
    res.render('public/verify', { result: undefined, fieldErrors: {} });
  });
  router.post('/verify', async (req, res) => {
    try {
      const content = await readUploadedRecord(req);
      res.render('public/verify', { result: verifyText(content.toString('utf8')), fieldErrors: {} });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422).render('public/verify', { result: undefined, fieldErrors: error.fields });
    }
  });
  // The specification a verifier is built from, served as the plain text it is written in.
  router.get('/draw-spec', (_req, res) => {
    res.type('text/plain; charset=utf-8').sendFile(join(PROJECT_ROOT, 'DRAW-SPEC.md'));
  });
  router.post('/api/v1/draws/verify', async (req, res) => {
    const content = await readUploadedRecord(req);
    res.json({ result: verifyText(content.toString('utf8')) });
  });
  return router;
}
