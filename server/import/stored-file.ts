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
      if (size > maxBytes) return done(new PayloadTooLargeError(`上传的文件超过 ${Math.floor(maxBytes / 1048576)} MB 上限`));
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
    if (!info.isFile()) throw new ImportFileError('unreadable_file', `「${path}」不是文件`);
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportFileError('file_not_found', `找不到文件「${path}」`);
    throw error;
  }
  const hash = createHash('sha256');
  await pipeline(createReadStream(absolute, { highWaterMark: 1 << 20 }), async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) hash.update(chunk);
  });
  return { path: absolute, fileName: fileName ?? basename(absolute), sha256: hash.digest('hex'), size, uploaded: false };
}
