// Helpers for the import tests: temporary folders, generated roster files, an in-process
// import, the CSV error report read back, and a checksum of a collection's content (sorted
// documents without _id and timestamps) to compare whole database states.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { parse } from 'csv-parse/sync';
import { Department } from '../../../models/index.js';
import { DEMO_DEPARTMENTS, entityBatches, type WorldOptions } from '../../../server/demo/generate-world.js';
import { canonical } from '../../../server/import/canonical.js';
import { startImport, type ImportRequest, type ImportSummary } from '../../../server/import/index.js';
import { entityRow } from '../../helpers/sample-files.js';

export const WORLD: WorldOptions = { seed: 'import-tests', entities: 0, asOf: '2026-11-27' };

export async function temporaryDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'shuangsuiji-import-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Entity rows (as a CSV export would hold them) for demo-world entities [from, from + count). */
export function entityRows(count: number, seed = WORLD.seed, from = 0): string[][] {
  const rows: string[][] = [];
  for (const batch of entityBatches({ ...WORLD, seed, entities: from + count }, 1000)) {
    for (const entity of batch) rows.push(entityRow(entity));
  }
  return rows.slice(from);
}

export async function importFile(
  kind: ImportRequest['kind'], path: string, dataDir: string, extra: Partial<ImportRequest> = {},
): Promise<ImportSummary> {
  const handle = await startImport({ kind, source: { path }, dataDir, user: { username: 'tester', via: 'api' }, ...extra });
  return handle.done;
}

export interface ReportLine {
  row: number;
  column: string;
  value: string;
  code: string;
  message: string;
}

/** Reads an error report; fails if it lacks the UTF-8 BOM Excel needs. */
export async function readErrorReport(path: string): Promise<ReportLine[]> {
  const bytes = await readFile(path);
  if (!bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) throw new Error('error report has no UTF-8 BOM');
  const [header, ...records] = parse(bytes.subarray(3).toString('utf8')) as string[][];
  if (header?.join(',') !== '行号,列名,值,错误代码,错误说明') throw new Error(`unexpected header ${header?.join(',')}`);
  return records.map(([row, column, value, code, message]) => ({
    row: Number(row), column: column ?? '', value: value ?? '', code: code ?? '', message: message ?? '',
  }));
}

/** SHA-256 over the canonical form of every document, sorted, ignoring _id and timestamps. */
export async function collectionChecksum(db: Db, collection: string): Promise<{ count: number; sha256: string }> {
  const docs = await db.collection(collection).find({}, { projection: { _id: 0, createdAt: 0, updatedAt: 0 } }).toArray();
  const lines = docs.map((doc) => canonical(doc)).sort();
  return { count: docs.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

export async function createDemoDepartments(): Promise<void> {
  await Department.insertMany(DEMO_DEPARTMENTS.map((d) => ({ ...d })));
}
