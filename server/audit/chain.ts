// Owns appending to the audit trail, which is a hash chain: every entry carries `seq` (1, 2, 3 …),
// `prevHash` (the hash of entry seq − 1; 64 zeros for entry 1) and `hash` (SHA-256 of its own
// canonical form, server/audit/canonical.ts). recordAudit and recordAuditOnce are the only
// writers of AuditEvent; corrections are new entries, never edits.
// Appending is safe with several app processes writing at once, on every server we run on
// (no transactions needed): read the head, insert entry head.seq + 1 in ONE insert, and let the
// unique index on seq pick the winner; the loser reads the new head and tries again. A process
// killed at any point leaves either a whole entry or none. Within one process appends queue up
// (one at a time), so they do not race each other; the index settles races between processes.
// Events written before the chain existed (no seq, no hash) join it at start-up, oldest first
// (chainLegacyEvents): each gets its number, prevHash and hash by one conditional update, so a
// run killed midway resumes where it stopped and no event is ever numbered twice.
import { createHash } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { AuditEvent, type AuditInput } from '../../models/audit-event.js';
import { isDatabaseUnreachable } from '../db/availability.js';
import { AppError, isDuplicateKeyError, UnavailableError } from '../errors.js';
import { entryHash } from './canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The newest entry of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
  id: string;
  at: Date | null;
}

/** A stored entry as the driver returns it (no Mongoose casting: the verifier hashes exactly this). */
export type RawEntry = mongoose.mongo.Document;

const { BSON } = mongoose.mongo;
/** Numbered entries: a range, so only numbers match (BSON compares within a type) and the seq index serves it. */
export const NUMBERED = { seq: { $gte: 1 } } as const;
/** Events from before the chain: never numbered, never hashed (a chained entry whose seq was removed keeps its hash and is reported, not re-chained). */
const LEGACY = { seq: { $exists: false }, hash: { $exists: false } } as const;
const MAX_ATTEMPTS = 500;

/** The raw collection; its driver errors become UnavailableError when the database is gone, as Mongoose calls do (server/db/connect.ts). */
export async function onCollection<T>(operation: (collection: mongoose.mongo.Collection) => Promise<T>): Promise<T> {
  try {
    return await operation(AuditEvent.collection as unknown as mongoose.mongo.Collection);
  } catch (error) {
    if (isDatabaseUnreachable(error)) throw new UnavailableError('The database is unreachable; retry shortly.');
    throw error;
  }
}

export function headOf(entry: RawEntry): ChainHead {
  return { seq: entry.seq as number, hash: String(entry.hash), id: String(entry._id), at: entry.at instanceof Date ? entry.at : null };
}

/** The newest entry, or null while the chain is empty. */
export async function chainHead(): Promise<ChainHead | null> {
  const last = await onCollection((c) => c.find(NUMBERED, { sort: { seq: -1 }, limit: 1 }).next());
  return last ? headOf(last) : null;
}

/** The head a new entry links to; refuses to extend a chain whose last number was edited by hand (that would bury the damage). */
async function headToExtend(): Promise<ChainHead | null> {
  const head = await chainHead();
  if (head && !Number.isSafeInteger(head.seq)) {
    throw new AppError(`the audit chain's last entry (_id ${head.id}) has no whole number as seq: run npm run verify-audit`);
  }
  return head;
}

/** The stored form of a new entry: validated by the schema, then exactly what BSON round-trips to (what the verifier will read back). */
async function storable(input: AuditInput, id: Types.ObjectId): Promise<Record<string, unknown>> {
  const doc = new AuditEvent({ ...input, _id: id, at: input.at ?? new Date() });
  await doc.validate();
  const plain = doc.toObject({ versionKey: false, virtuals: false, getters: false, transform: false });
  return BSON.deserialize(BSON.serialize(plain));
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs chain writes of this process one after another (whatever the outcome of the one before). */
function queued<T>(write: () => Promise<T>): Promise<T> {
  const run = queue.then(write, write);
  queue = run.catch(() => undefined);
  return run;
}

/** Waits a little, longer with each attempt, so that many contenders spread out. */
async function backOff(attempt: number): Promise<void> {
  if (attempt < 3) return;
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}

async function exists(id: Types.ObjectId): Promise<boolean> {
  return (await onCollection((c) => c.countDocuments({ _id: id }, { limit: 1 }))) > 0;
}

/**
 * Appends one entry: head.seq + 1, linked to the head. Returns the new head, or null when
 * `once` is set and an entry with this id is already stored (by this or another process).
 */
async function append(input: AuditInput, id: Types.ObjectId, once: boolean): Promise<ChainHead | null> {
  const body = await storable(input, id);
  return queued(() => insertLinked(body, id, once));
}

async function insertLinked(body: Record<string, unknown>, id: Types.ObjectId, once: boolean): Promise<ChainHead | null> {
  for (let attempt = 1; ; attempt += 1) {
    const head = await headToExtend();
    const entry = { ...body, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
    const hash = entryHash(entry);
    try {
      await onCollection((c) => c.insertOne({ ...entry, hash }));
      return { seq: entry.seq, hash, id: String(id), at: body.at instanceof Date ? body.at : null };
    } catch (error) {
      // 11000 is either the seq (someone appended first) or, for `once`, the id (already written).
      if (!isDuplicateKeyError(error)) throw error;
      if (once && (await exists(id))) return null;
      if (attempt >= MAX_ATTEMPTS) throw new AppError(`could not append to the audit chain after ${MAX_ATTEMPTS} attempts (too many concurrent writers?)`);
      await backOff(attempt);
    }
  }
}

/** Appends one audit entry to the chain. The one way features write the audit trail. */
export async function recordAudit(input: AuditInput): Promise<void> {
  await append(input, new Types.ObjectId(), false);
}

/** The id of the entry written under `once` (stable, so retries and other instances find it). */
export function onceId(once: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(once).digest('hex').slice(0, 24));
}

/** An audit entry written at most once, whoever calls and however often: its id is derived from `once`. */
export async function recordAuditOnce(once: string, input: AuditInput): Promise<void> {
  const id = onceId(once);
  if (await exists(id)) return;
  await append(input, id, true);
}

/** Whether entry number `seq` is held by another event than `id` (a lost race, whatever error the server chose to report it with). */
async function seqTakenByOther(seq: number, id: unknown): Promise<boolean> {
  const holder = await onCollection((c) => c.findOne({ seq }, { projection: { _id: 1 } }));
  return holder !== null && String(holder._id) !== String(id);
}

/** Numbers, links and hashes one legacy event; false when another process chained it first. */
async function chainOne(event: RawEntry): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    const head = await headToExtend();
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const hash = entryHash({ ...event, seq, prevHash });
    try {
      const result = await onCollection((c) => c.updateOne({ _id: event._id, ...LEGACY }, { $set: { seq, prevHash, hash } }));
      return result.modifiedCount === 1;
    } catch (error) {
      // A lost race: FerretDB reports an update's unique-index violation as an internal error
      // ("UNIQUE constraint failed"), not 11000, so the database is asked who holds the number.
      if (!(await seqTakenByOther(seq, event._id))) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new AppError(`could not chain audit event ${String(event._id)} after ${MAX_ATTEMPTS} attempts`);
      await backOff(attempt);
    }
  }
}

export interface ChainLegacyOptions {
  /** Events read per query (default 500). */
  batchSize?: number;
  /** Stop after this many (tests interrupt a run with it). */
  limit?: number;
  /** Called after each batch with the number chained so far. */
  onProgress?: (chained: number) => void;
}

/**
 * Puts every event written before the chain existed into it, in (at, _id) order, after the
 * current head. Idempotent and resumable; safe while other instances append or chain. Returns
 * how many events this call chained.
 */
export async function chainLegacyEvents(options: ChainLegacyOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let chained = 0;
  for (;;) {
    const batch = await onCollection((c) => c.find(LEGACY, { sort: { at: 1, _id: 1 }, limit: batchSize }).toArray());
    if (batch.length === 0) return chained;
    for (const event of batch) {
      if (options.limit !== undefined && chained >= options.limit) return chained;
      if (await queued(() => chainOne(event))) chained += 1;
    }
    options.onProgress?.(chained);
  }
}
