// Owns writing one batch of valid rows, idempotently and without touching what did not change.
//
// Read first (for a batch of mostly known rows; see WriteOrder): `$in` queries on the natural
// key (a unique index), projected to the fields the rows write, find the rows that already
// exist; they are compared field by field, and a row that differs gets one `$set`/`$unset` by
// `_id` while an identical row is not written at all — so `updatedAt` stays put and re-running
// the same file costs one read per batch and no write. The rest go in with one unordered
// insertMany; a row a concurrent import inserted meanwhile is turned away by the unique index
// (11000) and compared in a second round. Every write is a single-document operation, so a
// crash leaves each row either fully written or not at all, and running again converges.
//
// Why not `updateOne({key}, {$set}, {upsert: true})` for every row: on FerretDB 1.24 a filter
// on anything but `_id` is a full collection scan per statement (quadratic for a big roster),
// and an `update` command with 100 or more statements deadlocks its SQLite connection pool
// (each statement keeps a connection until the command ends; the pool holds 100). So updates
// go by `_id`, 50 statements a command. (The `$in` read is one scan per batch on FerretDB,
// which serves tests; the default server and MongoDB answer it from the unique index.)
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { sameValue } from './canonical.js';
import type { KindDefinition } from './kinds/kind.js';
import type { ValidRow } from './types.js';

const UPDATE_STATEMENTS_PER_COMMAND = 50;

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * 'read-first' suits rows that mostly exist (a roster imported again): one indexed read, no
 * write for what is unchanged. 'insert-first' suits new rows (a first import): one insertMany,
 * and only the keys the unique index turns away are read and compared. The engine picks the
 * order for each batch from what the previous one found.
 */
export type WriteOrder = 'read-first' | 'insert-first';

export async function writeBatch(kind: KindDefinition, rows: ValidRow[], now: Date, order: WriteOrder = 'read-first'): Promise<WriteCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  await kind.resolveKeys?.(rows);
  const keyOf = (row: ValidRow) => row.fields[kind.keyField] as string;
  let pending = rows;
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (order === 'insert-first') {
    const turnedAway = await insertNew(kind, pending, now);
    counts.inserted += pending.length - turnedAway.length;
    pending = turnedAway;
  }
  // A second read-first round only happens if another import inserted one of our keys meanwhile.
  for (let round = 0; round < 2 && pending.length > 0; round += 1) {
    const stored = await storedByKey(kind, pending, pending.map(keyOf));
    const outcome = await updateExisting(kind, pending.filter((row) => stored.has(keyOf(row))), stored, keyOf, now);
    counts.updated += outcome.updated;
    counts.unchanged += outcome.unchanged;
    const fresh = pending.filter((row) => !stored.has(keyOf(row)));
    const turnedAway = await insertNew(kind, fresh, now);
    counts.inserted += fresh.length - turnedAway.length;
    pending = turnedAway;
  }
  if (pending.length > 0) throw new Error(`rows ${pending.map((r) => r.row).join(', ')} could be neither inserted nor found`);
  return counts;
}

/**
 * Keys per read and reads in flight. mongo-java-server checks every document the index finds
 * against the whole `$in` list (quadratic in the list's length), so a batch is read in short
 * lists, several at a time (measured at 100,000 unchanged rows: lists of 1,000 one at a time
 * 8,500 rows/s, lists of 100 two at a time 10,300, lists of 200 three at a time about the
 * same). MongoDB answers any of them from the index.
 */
const KEYS_PER_READ = 200;
const READS_IN_FLIGHT = 3;

/** The stored documents of these keys, with only the fields the rows may write (and _id). */
async function storedByKey(kind: KindDefinition, rows: ValidRow[], keys: string[]): Promise<Map<string, Document>> {
  const projection: Record<string, 1> = { _id: 1, [kind.keyField]: 1 };
  for (const row of rows) {
    for (const path of Object.keys(row.fields)) projection[path] = 1;
    for (const path of row.unset) projection[path] = 1;
  }
  const lists: string[][] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_READ) lists.push(keys.slice(start, start + KEYS_PER_READ));
  const found = new Map<string, Document>();
  let next = 0;
  const reader = async () => {
    for (let list = lists[next++]; list; list = lists[next++]) {
      const stored = await kind.model.collection.find({ [kind.keyField]: { $in: list } }, { projection }).toArray();
      for (const doc of stored) found.set(doc[kind.keyField] as string, doc);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, lists.length) }, reader));
  return found;
}

/** Inserts the rows; returns the rows the unique index turned away (inserted by someone else meanwhile). */
async function insertNew(kind: KindDefinition, rows: ValidRow[], now: Date): Promise<ValidRow[]> {
  if (rows.length === 0) return [];
  const docs = rows.map((row) => kind.model.applyDefaults({ ...row.fields, __v: 0, createdAt: now, updatedAt: now }) as Document);
  try {
    await kind.model.collection.insertMany(docs, { ordered: false });
    return [];
  } catch (error) {
    const failures = writeErrorsOf(error);
    if (failures.length === 0 || failures.some((failure) => failure.code !== 11000)) throw error;
    return failures.map((failure) => rows[failure.index] as ValidRow);
  }
}

function writeErrorsOf(error: unknown): { index: number; code: number }[] {
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((item: { index?: number; code?: number; err?: { index?: number; code?: number } }) => ({
    index: item.index ?? item.err?.index ?? -1,
    code: item.code ?? item.err?.code ?? 0,
  }));
}

async function updateExisting(
  kind: KindDefinition, rows: ValidRow[], stored: Map<string, Document>, keyOf: (row: ValidRow) => string, now: Date,
): Promise<Omit<WriteCounts, 'inserted'>> {
  const outcome = { updated: 0, unchanged: 0 };
  const operations: AnyBulkWriteOperation<Document>[] = [];
  for (const row of rows) {
    const existing = stored.get(keyOf(row)) as Document;
    const update = changes(existing, kind.mergeInto ? kind.mergeInto(existing, row) : row.fields, row.unset);
    if (!update) {
      outcome.unchanged += 1;
      continue;
    }
    update.$set.updatedAt = now;
    operations.push({ updateOne: { filter: { _id: existing._id }, update } });
    outcome.updated += 1;
  }
  for (let start = 0; start < operations.length; start += UPDATE_STATEMENTS_PER_COMMAND) {
    await kind.model.collection.bulkWrite(operations.slice(start, start + UPDATE_STATEMENTS_PER_COMMAND), { ordered: false });
  }
  return outcome;
}

/** The $set/$unset that turns the stored document into the imported one, or null if none. */
export function changes(stored: Document, target: Record<string, unknown>, unset: readonly string[]) {
  const $set: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(target)) if (!sameValue(stored[path], value)) $set[path] = value;
  const $unset: Record<string, ''> = {};
  for (const path of unset) if (stored[path] !== undefined && stored[path] !== null) $unset[path] = '';
  if (Object.keys($set).length === 0 && Object.keys($unset).length === 0) return null;
  return Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
}
