// Owns reading a CSV file as a stream of rows: bytes (counted, for progress) → decoder
// (encoding.ts) → csv-parse. Nothing but the parser's small buffers is held in memory, so a
// file of any length streams; backpressure pauses the file while the engine writes a batch.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import iconv from 'iconv-lite';
import { createDecoder, detectEncoding, type Encoding } from './encoding.js';
import { ImportFileError, type SourceRow } from './types.js';
import { MAX_COLUMNS } from './limits.js';
import type { OpenedSource } from './source.js';

const HEAD_BYTES = 64 * 1024;
/** Characters one CSV record may hold: a real roster row is a few hundred. */
export const MAX_RECORD_CHARS = 1024 * 1024;
const READ_CHUNK = 64 * 1024;

export interface CsvOptions {
  encoding: Encoding | 'auto';
  /** One character; detected from the header line when absent (comma, tab or semicolon). */
  delimiter?: string | undefined;
}

export async function openCsv(path: string, size: number, options: CsvOptions): Promise<OpenedSource> {
  const head = await readHead(path);
  const encoding = options.encoding === 'auto' ? detectEncoding(head) : options.encoding;
  const delimiter = options.delimiter ?? sniffDelimiter(head, encoding);
  refuseWideHeader(head, encoding, delimiter);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  // pipeline destroys every stage with the first error, so the parser's iterator throws it.
  pipeline(file, counter, createDecoder(encoding), parser, () => {});
  const rows = records(parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: Info }>);
  const first = await rows.next();
  if (first.done) throw new ImportFileError('empty_file', 'no_header');
  return {
    format: 'csv',
    encoding,
    size,
    header: first.value.cells.map((cell) => String(cell ?? '')),
    rows,
    bytesRead: () => bytes,
    close: async () => {
      parser.destroy();
      file.destroy();
    },
  };
}

/** Rows with at least one non-blank cell (Excel writes ",,,," for rows it considers used). */
async function* records(iterator: AsyncIterator<{ record: string[]; info: Info }>): AsyncGenerator<SourceRow> {
  for (;;) {
    let next: IteratorResult<{ record: string[]; info: Info }>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw asFileError(error);
    }
    if (next.done) return;
    const { record, info } = next.value;
    if (record.every((cell) => cell.trim() === '')) continue;
    yield { row: info.lines, cells: record };
  }
}

function asFileError(error: unknown): unknown {
  if (error instanceof ImportFileError) return error;
  const csv = error as { code?: string; message?: string; lines?: number };
  if (csv.code === 'CSV_MAX_RECORD_SIZE') {
    return new ImportFileError('too_large', 'record', { line: String(csv.lines ?? '?'), limit: MAX_RECORD_CHARS / 1024 / 1024 });
  }
  if (typeof csv.code === 'string' && csv.code.startsWith('CSV_')) {
    return new ImportFileError('csv_syntax', undefined, { line: String(csv.lines ?? '?'), detail: csv.message ?? csv.code });
  }
  return error;
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Refuses a header with more than MAX_COLUMNS columns before parsing it (a header of millions
 * of columns would otherwise be parsed and recorded whole). Counted in the first 64 KB, which
 * is all a roster header ever needs.
 */
function refuseWideHeader(head: Buffer, encoding: Encoding, delimiter: string): void {
  const firstLine = iconv.decode(head, encoding).split(/\r?\n/, 1)[0] ?? '';
  const columns = firstLine.split(delimiter).length;
  if (columns > MAX_COLUMNS) {
    // A first line that fills the whole head was cut: it has at least this many columns.
    const variant = firstLine.length >= head.length - 4 ? 'header_at_least' : 'header';
    throw new ImportFileError('too_many_columns', variant, { columns, limit: MAX_COLUMNS }, { limit: MAX_COLUMNS });
  }
}

/** The delimiter that occurs most in the header line: Excel's "Unicode text" uses tabs. */
function sniffDelimiter(head: Buffer, encoding: Encoding): string {
  const text = iconv.decode(head, encoding);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}
