// Owns writing a generated world (and the default lists) into the database. Every step is an
// idempotent upsert or an ordered:false insert that skips duplicates, so a load killed half-way
// and run again finishes with the same documents and no doubles.
import type { Model } from 'mongoose';
import { DICTIONARIES, Department, DictionaryEntry, InspectionItem, Inspector, MarketEntity, AppMeta } from '../../models/index.js';
import { isDuplicateKeyError } from '../errors.js';
import { DEFAULT_DIVISIONS, DEFAULT_FOLLOW_UPS, DEFAULT_ITEMS, DEFAULT_RESULT_CATEGORIES } from '../catalog/defaults.js';
import { DEMO_DEPARTMENTS, entityBatches, generateInspectors, type WorldOptions } from './generate-world.js';

export interface LoadProgress {
  (message: string): void;
}

/**
 * Inserts documents, ignoring those whose natural key already exists. Returns how many were new.
 * `trusted` skips Mongoose's per-document hydration and validation (3–4× faster): only for
 * generator output, whose validity test/unit/demo-world.test.ts proves through the schemas.
 */
export async function insertMissing(model: Model<any>, docs: object[], options: { trusted?: boolean } = {}): Promise<number> {
  if (docs.length === 0) return 0;
  const now = new Date();
  const prepared = options.trusted
    ? docs.map((doc) => model.applyDefaults({ ...doc, createdAt: now, updatedAt: now }))
    : docs;
  try {
    const inserted = await model.insertMany(prepared, { ordered: false, lean: options.trusted ?? false });
    return inserted.length;
  } catch (error) {
    const bulk = error as { writeErrors?: { code?: number; err?: { code?: number } }[]; insertedDocs?: unknown[]; code?: number };
    const errors = bulk.writeErrors ?? [];
    const onlyDuplicates = errors.length > 0 && errors.every((e) => (e.code ?? e.err?.code) === 11000);
    if (!onlyDuplicates && !(errors.length === 0 && isDuplicateKeyError(error))) throw error;
    return bulk.insertedDocs?.length ?? 0;
  }
}

/** Upserts by key, only setting fields on insert: never overwrites what an admin edited. */
async function upsertByKey(model: Model<any>, key: string, docs: Record<string, unknown>[]): Promise<void> {
  if (docs.length === 0) return;
  await model.bulkWrite(
    docs.map((doc) => ({ updateOne: { filter: { [key]: doc[key] }, update: { $setOnInsert: doc }, upsert: true } })),
    { ordered: false },
  );
}

/** The editable lists every installation starts with (also outside demo mode). */
/**
 * Every write here is an upsert that only inserts what is missing, so it is idempotent — but two
 * app instances starting at once can both try to insert the same key, and the loser gets a
 * duplicate-key error (MongoDB can do this too; FerretDB does it readily). The winner inserted
 * exactly what we wanted, so the answer is to run again, which then finds everything present.
 */
export async function loadDefaults(): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadDefaultsOnce();
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
    }
  }
}

async function loadDefaultsOnce(): Promise<void> {
  await upsertByKey(Department, 'code', DEMO_DEPARTMENTS.slice(0, 1).map((d) => ({ ...d })));
  await upsertByKey(InspectionItem, 'code', DEFAULT_ITEMS.map((item) => ({ ...item, active: true })));
  const dictionary = (name: (typeof DICTIONARIES)[number], entries: typeof DEFAULT_RESULT_CATEGORIES) =>
    entries.map((entry, order) => ({ dictionary: name, ...entry, order, active: true }));
  // Dictionary entries have a compound key, so upsert them one filter at a time.
  await DictionaryEntry.bulkWrite(
    [
      ...dictionary('result_category', DEFAULT_RESULT_CATEGORIES), ...dictionary('follow_up', DEFAULT_FOLLOW_UPS),
      ...dictionary('division', DEFAULT_DIVISIONS),
    ].map((doc) => ({
      updateOne: { filter: { dictionary: doc.dictionary, code: doc.code }, update: { $setOnInsert: doc }, upsert: true },
    })),
    { ordered: false },
  );
}

export interface LoadCounts {
  entitiesInserted: number;
  inspectorsInserted: number;
}

export async function loadWorld(options: WorldOptions, progress: LoadProgress = () => {}): Promise<LoadCounts> {
  await loadDefaults();
  await upsertByKey(Department, 'code', DEMO_DEPARTMENTS.map((d) => ({ ...d })));
  const inspectorsInserted = await insertMissing(Inspector, generateInspectors(options));
  let entitiesInserted = 0;
  let done = 0;
  const started = Date.now();
  let lastReport = started;
  for (const batch of entityBatches(options, 2000)) {
    entitiesInserted += await insertMissing(MarketEntity, batch, { trusted: true });
    done += batch.length;
    if (Date.now() - lastReport > 2000 || done === options.entities) {
      lastReport = Date.now();
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
      progress(`demo world: ${done}/${options.entities} entities (${rate}/s)`);
    }
  }
  return { entitiesInserted, inspectorsInserted };
}

const DEMO_KEY = 'demo-world';

/**
 * Loads the demo world once per database. The marker is written as "loading" first and
 * "done" last, so a start-up killed half-way resumes the (idempotent) load next time.
 */
export async function loadDemoWorldOnce(options: WorldOptions, progress: LoadProgress): Promise<'loaded' | 'present'> {
  const marker = await AppMeta.findOne({ key: DEMO_KEY }).lean();
  if ((marker?.value as { status?: string } | undefined)?.status === 'done') return 'present';
  if (!marker) {
    const existing = await MarketEntity.estimatedDocumentCount();
    if (existing > 0) return 'present'; // a real roster: never mix demo data into it
    await AppMeta.updateOne({ key: DEMO_KEY }, { $setOnInsert: { key: DEMO_KEY, value: { status: 'loading' } } }, { upsert: true });
  }
  progress(`loading the demo world (${options.entities} entities, seed "${options.seed}")…`);
  await loadWorld(options, progress);
  await AppMeta.updateOne({ key: DEMO_KEY }, { $set: { value: { status: 'done', ...options } } });
  return 'loaded';
}
