// Owns reading a multipart upload: the text fields that come before the file, then the file
// as a stream handed to a consumer (never buffered whole), with a size limit. Forms must put
// their file input last so that its options are known when the file starts.
import type { Request } from 'express';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { ValidationError } from '../errors.js';

export interface UploadedFile {
  fields: Record<string, string>;
  fileName: string;
  stream: Readable;
}

/**
 * Calls `consume` with the first file of the request and resolves with its result. Rejects
 * with a ValidationError naming `fileField` when the request holds no file.
 */
export function withUploadedFile<T>(req: Request, fileField: string, consume: (file: UploadedFile) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 1000 } });
    } catch {
      reject(new ValidationError({ [fileField]: 'no_file' }, 'Send the file as multipart/form-data.'));
      return;
    }
    const fields: Record<string, string> = {};
    let started = false;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (started || name !== fileField || !info.filename) {
        stream.resume();
        return;
      }
      started = true;
      consume({ fields: { ...fields }, fileName: info.filename, stream }).then(resolve, (error: unknown) => {
        stream.resume(); // drain the rest so the request completes
        reject(error);
      });
    });
    parser.on('error', reject);
    parser.on('close', () => {
      if (!started) reject(new ValidationError({ [fileField]: 'no_file' }, 'Choose a file to upload.'));
    });
    req.pipe(parser);
  });
}
