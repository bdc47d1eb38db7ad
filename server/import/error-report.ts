// Owns the downloadable error report: a CSV (UTF-8 with BOM, so Excel shows the Chinese) of
// 行号, 列名, 值, 错误代码, 错误说明 — every rejected row, however many, appended as the import
// goes (memory stays bounded) to DATA_DIR/imports/<runId>-errors.csv. A file, not a
// collection: the count is unbounded (a wrong file can reject every one of a million rows),
// people want all of it to fix their spreadsheet, and it streams out as a download as is.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { ImportRowError } from './types.js';
import { csvLine, csvLines, EXCEL_UTF8_BOM } from '../text/csv.js';

export const ERROR_REPORT_HEADER = ['行号', '列名', '值', '错误代码', '错误说明'];

export function errorReportPath(dataDir: string, runId: string): { absolute: string; relative: string } {
  const relative = join('imports', `${runId}-errors.csv`);
  return { absolute: join(dataDir, relative), relative };
}

export class ErrorReportWriter {
  private stream: WriteStream | undefined;
  count = 0;

  constructor(private readonly path: string) {}

  /** Appends errors; the file is created with the first one (no errors, no file). */
  async append(errors: readonly ImportRowError[]): Promise<void> {
    if (errors.length === 0) return;
    const stream = this.stream ?? (await this.open());
    const text = csvLines(errors.map((e) => [String(e.row), e.column, e.value, e.code, e.message]));
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
    stream.write(`${EXCEL_UTF8_BOM}${csvLine(ERROR_REPORT_HEADER)}`);
    this.stream = stream;
    return stream;
  }
}
