// Owns reading a multipart upload, the one way the app accepts files: the text fields that
// come before the file, then the file as a stream handed to a consumer (never buffered whole
// unless the caller asks for a small file in memory), within stated limits. Forms must put
// their file input last so that its options are known when the file starts, and their CSRF
// token first: readLeadingField lets the CSRF check read it without consuming the body.
//
// Whatever the client sends — a part that never closes, random bytes, a name with a NUL, a
// connection dropped half-way — ends as a 4xx for this request: every stream busboy hands out
// gets an error listener here, so no upload can raise an uncaught exception in the process.
import type { Request } from 'express';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors.js';
import { hasUnsafeText } from '../../models/safe-text.js';

export interface UploadedFile {
  fields: Record<string, string>;
  fileName: string;
  stream: Readable;
}

export interface UploadLimits {
  /** Largest file accepted; beyond it the upload is refused with 413 while it streams. */
  maxFileBytes: number;
  /** Text fields before the file (default 20) and the bytes of each (default 1,000). */
  maxFields?: number;
  maxFieldBytes?: number;
}

/** The text fields read from each request's upload, for a form shown again after a refusal. */
const textFields = new WeakMap<Request, Record<string, string>>();

/** The text fields of the request's upload read so far (none when it was never read). */
export function uploadedFields(req: Request): Record<string, string> {
  return { ...textFields.get(req) };
}

/** Headers of one part, and parts in all: real forms have a handful. */
const MAX_PART_HEADERS = 20;
const MAX_PARTS = 40;

/**
 * Calls `consume` with the first file of the request in `fileField` and resolves with its
 * result. Rejects with a ValidationError naming `fileField` when the request holds no file,
 * 400 for a malformed body, 413 beyond the limits, 415 when the body is not multipart.
 */
export function withUploadedFile<T>(
  req: Request, fileField: string, limits: UploadLimits, consume: (file: UploadedFile) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let parser: busboy.Busboy;
    const finish = (error: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      if (error === undefined) {
        resolve(value as T);
        return;
      }
      // Stop reading: what is left of the body is discarded, never parsed.
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    if (!req.is('multipart/form-data')) {
      finish(new UnsupportedMediaTypeError('Send the file as multipart/form-data.'));
      return;
    }
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send a file's name as raw UTF-8 (现场照片.jpg); busboy's default, latin1,
        // would turn it into C1 control characters and the name would be refused below.
        defParamCharset: 'utf8',
        limits: {
          files: 1, fileSize: limits.maxFileBytes, fields: limits.maxFields ?? 20, fieldSize: limits.maxFieldBytes ?? 1000,
          parts: MAX_PARTS, headerPairs: MAX_PART_HEADERS,
        },
      });
    } catch {
      finish(new BadRequestError('The multipart body has no valid boundary.', 'malformed_multipart'));
      return;
    }
    const fields: Record<string, string> = {};
    textFields.set(req, fields);
    let parserError: unknown;
    let started = false;

    parser.on('field', (name, value, info) => {
      if (started) return; // fields after the file are not read
      if (info.valueTruncated || info.nameTruncated) {
        finish(new PayloadTooLargeError(`The form field "${name.slice(0, 40)}" is too long.`));
        return;
      }
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // Every file stream gets a listener, including the ones ignored and the one consumed:
      // busboy destroys it with an error when the body ends inside the part.
      stream.on('error', () => {});
      if (started || name !== fileField || !info.filename) {
        stream.resume();
        return;
      }
      started = true;
      if (hasUnsafeText(info.filename)) {
        stream.resume();
        finish(new BadRequestError('The file name contains control characters or malformed Unicode.', 'invalid_file_name'));
        return;
      }
      stream.on('limit', () => {
        stream.destroy(new PayloadTooLargeError(`The file is larger than ${formatBytes(limits.maxFileBytes)}.`));
      });
      consume({ fields: { ...fields }, fileName: info.filename, stream }).then(
        (value) => finish(undefined, value),
        (error: unknown) => {
          stream.resume();
          // A consumer that failed because the body was cut off reports the body's problem.
          finish(parserError ?? error);
        },
      );
    });
    // Once the file is being consumed its outcome is the answer; limits hit before it are not.
    // (A second file is simply not read: busboy emits no 'file' beyond the limit.)
    parser.on('fieldsLimit', () => {
      if (!started) finish(new PayloadTooLargeError('The form has too many fields.'));
    });
    parser.on('partsLimit', () => {
      if (!started) finish(new PayloadTooLargeError('The form has too many parts.'));
    });
    parser.on('error', (error: Error) => {
      parserError = new BadRequestError(`The multipart body is malformed: ${error.message}.`, 'malformed_multipart');
      if (!started) finish(parserError);
    });
    parser.on('close', () => {
      if (!started) finish(new ValidationError({ [fileField]: 'no_file' }, 'Choose a file to upload.'));
    });
    req.on('aborted', () => finish(new BadRequestError('The upload was interrupted.', 'malformed_multipart')));
    req.on('error', () => finish(new BadRequestError('The upload was interrupted.', 'malformed_multipart')));
    req.pipe(parser);
  });
}

/** The uploaded file read whole into memory (for small files such as a draw record). */
export function readUploadedFile(req: Request, fileField: string, limits: UploadLimits): Promise<{ fields: Record<string, string>; fileName: string; content: Buffer }> {
  return withUploadedFile(req, fileField, limits, async ({ fields, fileName, stream }) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const content = Buffer.concat(chunks);
    if (content.length === 0) throw new ValidationError({ [fileField]: 'empty_file' }, 'The file is empty.');
    return { fields, fileName, content };
  });
}

/** How far into a body readLeadingField looks for its field (the token comes first; a few fields may precede it). */
const LEADING_FIELD_WINDOW = 16 * 1024;

/**
 * The value of the text field `name` when it comes before any file in the first 16 KiB of a
 * multipart body, else undefined. What it read is put back (unshift), so the route's reader
 * (withUploadedFile) later sees the whole body. Never rejects: a malformed body reads as "no
 * field", and the route's reader reports it.
 */
export function readLeadingField(req: Request, name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    let parser: busboy.Busboy;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onEnd);
      req.pause();
      // Busboy may still hold a partial part: it is dropped, its errors swallowed.
      parser?.removeAllListeners().on('error', () => {}).destroy();
      // A body that ended meanwhile held no such field: nobody reads it after the refusal.
      if (chunks.length > 0 && !req.readableEnded) req.unshift(Buffer.concat(chunks));
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      parser.write(chunk);
      if (length > LEADING_FIELD_WINDOW) finish(undefined);
    };
    const onEnd = () => finish(undefined);
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: 1000, fields: 20, files: 1, parts: MAX_PARTS, headerPairs: MAX_PART_HEADERS } });
    } catch {
      resolve(undefined);
      return;
    }
    parser.on('field', (field, value) => {
      if (field === name) finish(value);
    });
    parser.on('file', (_field, stream) => {
      stream.on('error', () => {}).resume();
      finish(undefined);
    });
    parser.on('error', () => finish(undefined));
    parser.on('close', () => finish(undefined));
    req.on('data', onData).on('end', onEnd).on('error', onEnd);
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${Math.floor(bytes / 1048576)} MiB` : `${Math.floor(bytes / 1024)} KiB`;
}
