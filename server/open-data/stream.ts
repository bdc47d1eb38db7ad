// Owns writing an export to the response as it is read: rows come from a database cursor (an
// async iterable) and leave as CSV lines or JSON array elements, one batch at a time, so that a
// province's results never sit in memory together. pipeline() gives backpressure (a slow reader
// pauses the cursor) and closes the cursor when the reader goes away.
//
// CSV is UTF-8 with a byte-order mark: Excel on Windows reads a BOM-less CSV in the system code
// page (GBK on Chinese Windows), which garbles every Chinese name; with the BOM it reads UTF-8.
// Other CSV readers skip or tolerate it. Lines end in CRLF and formula starts are neutralised
// (server/text/csv.ts), because these files are meant to be opened in Excel by anyone.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { csvLine, csvLines, EXCEL_UTF8_BOM } from '../text/csv.js';

/** Rows written per chunk: large enough to keep writes few, small enough to stay light. */
const BATCH = 200;

async function* batched<T>(rows: AsyncIterable<T>): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The CSV text of an export: BOM, header line, then the rows. */
export async function* csvText(header: readonly string[], rows: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  yield EXCEL_UTF8_BOM + csvLine(header);
  for await (const batch of batched(rows)) yield csvLines(batch);
}

/**
 * The JSON text of an export: `{ ...head, "<key>": [ rows… ] }`, written as the rows arrive.
 * `head` comes first so that a reader learns what it is reading before the long array.
 */
export async function* jsonText(head: Record<string, unknown>, key: string, rows: AsyncIterable<unknown>): AsyncGenerator<string> {
  const opening = JSON.stringify({ ...head, [key]: [] });
  yield `${opening.slice(0, -2)}\n`; // everything up to the array's "[" (the head's JSON ends with `[]}`)
  let first = true;
  for await (const batch of batched(rows)) {
    yield batch.map((row) => `${first ? ((first = false), '') : ',\n'}${JSON.stringify(row)}`).join('');
  }
  yield '\n]}\n';
}

/**
 * Sends the text as it is produced. A HEAD request gets the headers only (the cursor is never
 * opened). A reader who leaves mid-way is not an error of ours; a database failure after the
 * first byte can only cut the response short (its status has gone), so it is logged and the
 * connection is closed: a truncated CSV or JSON is visibly incomplete (no closing bracket).
 */
export async function sendText(req: Request, res: Response, contentType: string, text: () => AsyncIterable<string>): Promise<void> {
  res.type(contentType);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.from(text(), { objectMode: false }), res);
  } catch (error) {
    if (res.destroyed && !res.writableFinished && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    if (!res.headersSent) throw error;
    req.log?.error({ err: error }, 'an open-data export failed while streaming');
    res.destroy();
  }
}
