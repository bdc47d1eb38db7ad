// Owns the downloadable error report: a CSV (UTF-8 with BOM, so Excel shows the Chinese) of
// row, column, value, code, message — header and messages in the language of whoever started
// the import (written in the background, so fixed then) — every rejected row, however many, appended as the import
// goes (memory stays bounded) to DATA_DIR/imports/<runId>-errors.csv. A file, not a
// collection: the count is unbounded (a wrong file can reject every one of a million rows),
// people want all of it to fix their spreadsheet, and it streams out as a download as is.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { ImportRowError } from './types.js';
import { csvLine, csvLines, EXCEL_UTF8_BOM } from '../text/csv.js';
import type { Translate } from '../errors.js';
import { rowErrorText } from './messages.js';

/** The header row in the report's language (import.report.header.*). */
export function errorReportHeader(t: Translate): string[] {
  return ['row', 'column', 'value', 'code', 'message'].map((name) => t(`import.report.header.${name}`));
}

export function errorReportPath(dataDir: string, runId: string): { absolute: string; relative: string } {
  const relative = join('imports', `${runId}-errors.csv`);
  return { absolute: join(dataDir, relative), relative };
}

export class ErrorReportWriter {
  private stream: WriteStream | undefined;
  count = 0;

  constructor(private readonly path: string, private readonly t: Translate) {}

  /** Appends errors; the file is created with the first one (no errors, no file). */
  async append(errors: readonly ImportRowError[]): Promise<void> {
    if (errors.length === 0) return;
    const stream = this.stream ?? (await this.open());
    const text = csvLines(errors.map((e) => [String(e.row), e.column, e.value, e.code, rowErrorText(this.t, e)]));
    this.count += errors.length;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  get written(): boolean {
    return this.stream !== undefined;
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    const stream = this.stream;
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  private async open(): Promise<WriteStream> {
    await mkdir(dirname(this.path), { recursive: true });
    const stream = createWriteStream(this.path);
    stream.write(`${EXCEL_UTF8_BOM}${csvLine(errorReportHeader(this.t))}`);
    this.stream = stream;
    return stream;
  }
}
