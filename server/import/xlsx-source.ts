// Owns reading the first worksheet of an XLSX workbook as a stream of rows with exceljs's
// streaming WorkbookReader (the workbook is never loaded whole). Cell values keep their type:
// dates stay dates, numbers stay numbers, so the validators can tell an Excel date cell from
// text. Caveat of the format, not of this code: a worksheet stored before the shared-strings
// part is spooled by exceljs to a temporary file first, and shared strings are held in memory.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from './cells.js';
import { boundedWorkbookCopy } from './xlsx-bounds.js';
import { ImportFileError, type Cell, type SourceRow } from './types.js';
import type { OpenedSource } from './source.js';

/** Checked copies live in the system's temporary folder until the import closes its source. */
export const CHECKED_COPY_PREFIX = 'shuangsuiji-xlsx-';

type Reader = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookReader>;
type SheetReader = ExcelJS.stream.xlsx.WorksheetReader & { id?: number };

export async function openXlsx(path: string, size: number): Promise<OpenedSource> {
  // exceljs reads a checked copy holding only the parts it needs (see xlsx-bounds.ts).
  const checked = await boundedWorkbookCopy(path, join(tmpdir(), `${CHECKED_COPY_PREFIX}${randomUUID()}.xlsx`));
  const checkedSize = Math.max(1, (await stat(checked.path)).size);
  let bytes = 0;
  const file = createReadStream(checked.path, { highWaterMark: 256 * 1024 });
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  file.on('error', (error) => counter.destroy(error));
  file.pipe(counter);
  // styles: 'cache' lets exceljs turn date-formatted numbers into Date values.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counter, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  const rows = firstSheetRows(reader);
  const close = async () => {
    file.destroy();
    counter.destroy();
    await checked.remove();
  };
  let header: SourceRow | undefined;
  try {
    header = await nextRow(rows);
    if (!header) throw new ImportFileError('empty_file', 'no_header_sheet');
  } catch (error) {
    await close();
    throw error;
  }
  return {
    format: 'xlsx',
    size,
    header: header.cells.map((cell) => (cell === null ? '' : cellText(cell))),
    rows,
    // Progress is measured on the copy, reported in the original file's bytes.
    bytesRead: () => Math.min(size, Math.round((bytes * size) / checkedSize)),
    close,
  };
}

async function nextRow(rows: AsyncIterator<SourceRow>): Promise<SourceRow | undefined> {
  const next = await rows.next();
  return next.done ? undefined : next.value;
}

/** Rows of the workbook's first tab (by workbook order, not by zip order), blank rows skipped. */
async function* firstSheetRows(reader: Reader): AsyncGenerator<SourceRow> {
  try {
    for await (const sheet of reader as AsyncIterable<SheetReader>) {
      const firstTabId = (reader as unknown as { model?: { sheets?: { id: number }[] } }).model?.sheets?.[0]?.id;
      if (firstTabId !== undefined && sheet.id !== undefined && sheet.id !== firstTabId) continue;
      for await (const row of sheet) {
        const cells = toCells(row.values as unknown[]);
        if (cells.some((cell) => cell !== null && cellText(cell).trim() !== '')) yield { row: row.number, cells };
      }
      return;
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // exceljs's own messages describe its internals ("Cannot read properties…"), not the file.
    throw new ImportFileError('xlsx_invalid', 'structure', {}, {
      cause: (error as Error).message?.slice(0, 200),
    });
  }
  throw new ImportFileError('xlsx_invalid', 'no_sheet');
}

/** exceljs row.values is 1-based and sparse; cells become a dense 0-based array. */
function toCells(values: unknown[]): Cell[] {
  const cells: Cell[] = [];
  for (let i = 1; i < values.length; i += 1) cells.push(toCell(values[i]));
  return cells;
}

function toCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.richText)) return (object.richText as { text: string }[]).map((part) => part.text).join('');
  if ('result' in object) return toCell(object.result); // formula: its cached result
  if (typeof object.text === 'string') return object.text; // hyperlink
  if ('error' in object) return String(object.error); // #N/A, #REF!… fail validation as text
  return String(value);
}
