// Owns bounding what an uploaded XLSX may unpack before exceljs reads it. A 10 MB workbook can
// inflate to gigabytes (a "zip bomb" of shared strings or one endless row), and exceljs keeps
// shared strings in memory and spools worksheets to disk unbounded. So the workbook is first
// copied, part by part, into a fresh archive that holds only the parts the importer reads,
// each checked while it inflates — bytes per part and in all, shared strings and their rich-text
// runs, rows, cells per row — and in the order exceljs reads best (shared strings and styles
// before the sheets, so it never spools).
// exceljs then reads exactly the bytes that were checked: no part of the original archive, and
// no local header the central directory does not list, reaches it.
//
// Written here because no maintained library bounds an XLSX reader's memory; yauzl (reading,
// with entry sizes validated) and yazl (writing) do the zip work, saxes the XML scan.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { MAX_COLUMNS } from './limits.js';
import { ImportFileError } from './types.js';

const MiB = 1024 * 1024;

/** What a workbook may unpack to. Beyond these, the upload is refused with 422 (README: Bulk import). */
export const XLSX_LIMITS = {
  /** Parts in the archive (a real workbook has a few dozen). */
  entries: 1000,
  /** Shared strings are held in memory by exceljs: this and the two counts below bound the memory an upload adds. */
  sharedStringsBytes: 64 * MiB,
  /**
   * Shared strings (<si>): each costs exceljs an object beyond its bytes, so tiny strings cost
   * most per byte. Far above a roster's count once the byte limit holds (a 1,000,000-row roster's
   * distinct names and codes alone pass 64 MB).
   */
  sharedStrings: 2_000_000,
  /**
   * Formatted pieces of rich-text shared strings (<r> runs): exceljs builds a rich-text object
   * per run (~110 bytes of heap for a 40-byte run), so 64 MB of tiny runs added ~400 MB. Rosters
   * rarely format parts of a cell. With both counts at their limits (runs with fonts) an upload
   * adds about 190 MB (test/security/upload-limits.test.ts).
   */
  richTextRuns: 500_000,
  /** Styles, workbook and relationship parts. */
  otherPartBytes: 16 * MiB,
  /** One worksheet's XML (streamed, never held whole). */
  sheetBytes: 1024 * MiB,
  /** Everything unpacked together. */
  totalBytes: 1536 * MiB,
  /** Excel's own limit. */
  rows: 1_048_576,
  cellsPerRow: MAX_COLUMNS,
} as const;

const SHEET = /^xl\/worksheets\/sheet\d+\.xml$/;
/** Parts exceljs reads for our import, in the order they go into the checked copy. */
const PART_ORDER = ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];

export interface BoundedWorkbook {
  path: string;
  remove(): Promise<void>;
}

/** Copies the parts of `path` that the importer reads into `copyPath`, checking every limit. */
export async function boundedWorkbookCopy(path: string, copyPath: string): Promise<BoundedWorkbook> {
  const zip = await openZip(path);
  const remove = () => rm(copyPath, { force: true });
  try {
    const entries = await keptEntries(zip);
    const out = new yazl.ZipFile();
    const written = pipeline(out.outputStream, createWriteStream(copyPath));
    written.catch(() => {}); // awaited below; a failure before then is reported by the copy loop
    const inputs = entries.map((entry) => {
      const input = new PassThrough();
      out.addReadStream(input, entry.fileName, { compressionLevel: 1 });
      return { entry, input };
    });
    out.end();
    let total = 0;
    for (const { entry, input } of inputs) {
      const limit = limitFor(entry.fileName);
      const stream = await openEntry(zip, entry);
      const limiter = byteLimit(entry.fileName, limit, (n) => {
        total += n;
        if (total > XLSX_LIMITS.totalBytes) throw tooLarge('unpacked', { limit: XLSX_LIMITS.totalBytes / MiB });
      });
      try {
        if (SHEET.test(entry.fileName)) await pipeline(stream, limiter, sheetShapeCheck(), input);
        else if (entry.fileName === 'xl/sharedStrings.xml') await pipeline(stream, limiter, sharedStringsCheck(), input);
        else await pipeline(stream, limiter, input);
      } catch (error) {
        input.destroy();
        throw asFileError(error);
      }
    }
    await written;
    return { path: copyPath, remove };
  } catch (error) {
    await remove();
    throw asFileError(error);
  } finally {
    zip.close();
  }
}

function limitFor(name: string): number {
  if (name === 'xl/sharedStrings.xml') return XLSX_LIMITS.sharedStringsBytes;
  if (SHEET.test(name)) return XLSX_LIMITS.sheetBytes;
  return XLSX_LIMITS.otherPartBytes;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, autoClose: false }, (error, zip) => {
      if (error || !zip) reject(new ImportFileError('xlsx_invalid', 'not_zip', { detail: error?.message ?? '' }));
      else resolve(zip);
    });
  });
}

/** The central directory's parts that the importer needs, refused early on declared sizes. */
function keptEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const kept = new Map<string, yauzl.Entry>();
    let count = 0;
    let declared = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      count += 1;
      if (count > XLSX_LIMITS.entries) return reject(tooLarge('parts', { limit: XLSX_LIMITS.entries }));
      const name = entry.fileName;
      if (PART_ORDER.includes(name) || SHEET.test(name)) {
        if (kept.has(name)) return reject(new ImportFileError('xlsx_invalid', 'duplicate_part', { name }));
        if (entry.uncompressedSize > limitFor(name)) return reject(partTooLarge(name, limitFor(name)));
        declared += entry.uncompressedSize;
        if (declared > XLSX_LIMITS.totalBytes) return reject(tooLarge('unpacked', { limit: XLSX_LIMITS.totalBytes / MiB }));
        kept.set(name, entry);
      }
      zip.readEntry();
    });
    zip.on('end', () => {
      const order = (name: string) => (SHEET.test(name) ? PART_ORDER.length + Number(/\d+/.exec(name.slice(14))?.[0] ?? 0) : PART_ORDER.indexOf(name));
      resolve([...kept.values()].sort((a, b) => order(a.fileName) - order(b.fileName)));
    });
    zip.on('error', (error: Error) => reject(new ImportFileError('xlsx_invalid', 'corrupt', {}, { cause: error.message.slice(0, 200) })));
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error) : resolve(stream)));
  });
}

/** Passes bytes through until `limit`, then fails: the actual inflated size, whatever was declared. */
function byteLimit(name: string, limit: number, onBytes: (n: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      try {
        if (seen > limit) throw partTooLarge(name, limit);
        onBytes(chunk.length);
      } catch (error) {
        return done(error as Error);
      }
      done(null, chunk);
    },
  });
}

/** Counts shared strings and their rich-text runs as the part streams by (elements by local name). */
function sharedStringsCheck(): Transform {
  let strings = 0;
  let runs = 0;
  return xmlCheck((local, _attributes, fail) => {
    if (local === 'si') {
      strings += 1;
      if (strings > XLSX_LIMITS.sharedStrings) fail(tooLarge('shared_strings', { limit: XLSX_LIMITS.sharedStrings }));
    } else if (local === 'r') {
      runs += 1;
      if (runs > XLSX_LIMITS.richTextRuns) fail(tooLarge('rich_text_runs', { limit: XLSX_LIMITS.richTextRuns }));
    }
  });
}

/** Counts rows and cells per row as the sheet's XML streams by (elements by local name). */
function sheetShapeCheck(): Transform {
  let rows = 0;
  let cells = 0;
  return xmlCheck((local, attributes, fail) => {
    if ((local === 'row' || local === 'c') && attributes.r === undefined) {
      // exceljs places cells by their references; without them it cannot read the sheet.
      fail(new ImportFileError('xlsx_invalid', 'no_references'));
    }
    if (local === 'row') {
      rows += 1;
      cells = 0;
      if (rows > XLSX_LIMITS.rows) fail(new ImportFileError('too_many_rows', undefined, { limit: XLSX_LIMITS.rows }));
    } else if (local === 'c') {
      cells += 1;
      if (cells > XLSX_LIMITS.cellsPerRow) fail(new ImportFileError('too_many_columns', 'row', { row: rows, limit: XLSX_LIMITS.cellsPerRow }));
    }
  });
}

/**
 * Passes a part's bytes through while a SAX scan calls `onOpen` per element (by local name);
 * the first problem it reports (or malformed XML) fails the stream.
 */
function xmlCheck(onOpen: (local: string, attributes: Record<string, string>, fail: (problem: Error) => void) => void): Transform {
  const parser = new SaxesParser({ xmlns: false });
  const decoder = new StringDecoder('utf8');
  let problem: Error | undefined;
  const fail = (error: Error) => { problem ??= error; };
  parser.on('opentag', (tag) => {
    onOpen(tag.name.slice(tag.name.indexOf(':') + 1), tag.attributes as Record<string, string>, fail);
  });
  parser.on('error', (error) => {
    problem ??= new ImportFileError('xlsx_invalid', 'xml', { detail: error.message.split('\n')[0] ?? '' });
  });
  const feed = (text: string) => {
    if (!problem && text) parser.write(text);
    if (problem) throw problem;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      try {
        feed(decoder.write(chunk));
      } catch (error) {
        return done(error as Error);
      }
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        feed(decoder.end());
        parser.close();
        if (problem) throw problem;
      } catch (error) {
        return done(error as Error);
      }
      done();
    },
  });
}

const partTooLarge = (name: string, limit: number) => tooLarge('part', { name, limit: limit / MiB });
const tooLarge = (variant: string, params: Record<string, string | number>) => new ImportFileError('too_large', variant, params);

function asFileError(error: unknown): unknown {
  if (error instanceof ImportFileError) return error;
  return new ImportFileError('xlsx_invalid', 'corrupt');
}
