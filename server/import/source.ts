// Owns opening an import file whatever its format: XLSX when the bytes are a ZIP archive (the
// name may lie — browsers and people rename files), CSV otherwise. Either way the caller gets
// the header and a lazy stream of rows.
import { open, stat } from 'node:fs/promises';
import type { Encoding } from './encoding.js';
import { openCsv } from './csv-source.js';
import { openXlsx } from './xlsx-source.js';
import { ImportFileError, type SourceRow } from './types.js';
import { MAX_COLUMNS } from './limits.js';

export type FileFormat = 'csv' | 'xlsx';

export interface OpenedSource {
  format: FileFormat;
  /** The encoding used (CSV only). */
  encoding?: Encoding;
  size: number;
  header: string[];
  /** Data rows after the header, read lazily. */
  rows: AsyncIterator<SourceRow>;
  /** Bytes of the file consumed so far: progress and ETA. */
  bytesRead(): number;
  close(): Promise<void>;
}

export interface OpenOptions {
  encoding?: Encoding | 'auto';
  delimiter?: string | undefined;
}

export async function openSource(path: string, options: OpenOptions = {}): Promise<OpenedSource> {
  const size = await fileSize(path);
  if (size === 0) throw new ImportFileError('empty_file', undefined);
  const format = await sniffFormat(path);
  const source = format === 'xlsx'
    ? await openXlsx(path, size)
    : await openCsv(path, size, { encoding: options.encoding ?? 'auto', delimiter: options.delimiter });
  if (source.header.length > MAX_COLUMNS) {
    await source.close();
    throw new ImportFileError('too_many_columns', 'header', { columns: source.header.length, limit: MAX_COLUMNS }, { columns: source.header.length, limit: MAX_COLUMNS });
  }
  return source;
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportFileError('unreadable_file', 'not_a_file', { path });
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportFileError('file_not_found', undefined, { path });
    throw error;
  }
}

export async function sniffFormat(path: string): Promise<FileFormat> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    return magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
  } finally {
    await handle.close();
  }
}
