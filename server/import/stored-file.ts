// Owns the file an import reads: an upload is streamed to DATA_DIR/imports/uploads/ while its
// SHA-256 is computed (never buffered whole), under a content-addressed name — the same bytes
// uploaded twice are one file, which is what lets an interrupted import be resumed from a
// re-upload. A CLI path is only hashed. The hash identifies "the same file" for resumption.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../errors.js';
import { renderMessage } from '../errors.js';
import { translator } from '../i18n/index.js';
import { ImportFileError } from './types.js';

export interface StoredFile {
  path: string;
  /** The name people know the file by (the upload's name, or the CLI path's base name). */
  fileName: string;
  sha256: string;
  size: number;
  /** True when this module saved it (and may delete it once imported). */
  uploaded: boolean;
}

export function uploadsDir(dataDir: string): string {
  return join(dataDir, 'imports', 'uploads');
}

/** `prefix` (the import kind) keeps the same bytes imported as two kinds in two files. */
export async function storeUpload(stream: Readable, fileName: string, dataDir: string, prefix: string, maxBytes = Infinity): Promise<StoredFile> {
  const dir = uploadsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLargeUpload(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(temporary));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  const extension = extname(fileName).toLowerCase();
  const path = join(dir, `${prefix}-${sha256}${/^\.[a-z0-9]{1,8}$/.test(extension) ? extension : ''}`);
  await rename(temporary, path);
  return { path, fileName: basename(fileName).slice(0, 255) || 'upload', sha256, size, uploaded: true };
}

/** Hashes a file already on disk (the CLI's argument). */
export async function describeFile(path: string, fileName?: string): Promise<StoredFile> {
  const absolute = resolve(path);
  let size: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new ImportFileError('unreadable_file', 'not_a_file', { path });
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportFileError('file_not_found', undefined, { path });
    throw error;
  }
  const hash = createHash('sha256');
  await pipeline(createReadStream(absolute, { highWaterMark: 1 << 20 }), async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) hash.update(chunk);
  });
  return { path: absolute, fileName: fileName ?? basename(absolute), sha256: hash.digest('hex'), size, uploaded: false };
}

/** 413 with the limit, in the reader's language (zh-CN in `message`, for logs). */
function tooLargeUpload(maxBytes: number): PayloadTooLargeError {
  const localMessage = { key: 'import.file.too_large.upload', params: { limit: Math.floor(maxBytes / 1048576) } };
  return new PayloadTooLargeError(renderMessage(translator('zh-CN'), localMessage), { problem: 'too_large' }).localized(localMessage, 'too_large');
}
