// Owns the roster figures on the home page (entities, drawable, certified inspectors, active
// items) and the list of the roster's regions the back-office filter offers. Counting 100,000 entities is a full scan on the embedded servers, so a page view never
// counts: it reads the figures kept in one RosterFigures document and, when they are older than
// FIGURES_MAX_AGE_MS or a use case has marked them stale since they were counted, starts one
// recount in the background and shows the kept figures meanwhile. Only the very first view on
// a database (no document yet) counts while the visitor waits.
//
// Why a recount and not $inc counters: rows also change through the importer and the demo
// loader, and FerretDB's concurrent updates of one document are not atomic, so counters would
// drift; a recount is exact by construction. Across several app instances the document is
// shared: each instance recounts at most once per interval, and a recount only replaces figures
// counted earlier than itself, so a slow old recount never overwrites a newer one.
import mongoose from 'mongoose';
import { DRAWABLE_STATUS, ENTITY_STATUSES, InspectionItem, Inspector, MarketEntity } from '../../models/index.js';
import { RosterFigures } from '../../models/roster-figures.js';

export const FIGURES_MAX_AGE_MS = 60_000;
/** A stale mark does not recount more often than this (a burst of edits costs one recount). */
export const FIGURES_MIN_INTERVAL_MS = 5_000;
const KEY = 'home';

export interface RosterFigureValues {
  entities: number;
  drawable: number;
  inspectors: number;
  items: number;
  /** The distinct regions of the entity roster, in Chinese collation order. */
  regions: string[];
}

export interface RosterFigureSnapshot extends RosterFigureValues {
  /** When the counting that produced these figures started. */
  asOf: Date;
}

/**
 * The filters the figures count (exported for the query-plan test). `status` is a required
 * enum, so the $in over every status counts every entity — from the {status, active} index.
 */
export const FIGURE_FILTERS: Record<Exclude<keyof RosterFigureValues, 'regions'>, Record<string, unknown>> = {
  entities: { status: mongoose.trusted({ $in: [...ENTITY_STATUSES] }) },
  // Imported rows may lack `active`; only an explicit false removes an entity from the roster.
  drawable: { status: DRAWABLE_STATUS, active: mongoose.trusted({ $ne: false }) },
  inspectors: { status: '有效' },
  items: { active: true },
};

/** The exact counts (each index-backed on MongoDB; full scans on the embedded servers). */
export async function countRosterFigures(): Promise<RosterFigureValues> {
  // One at a time: on mongo-java-server reads of one collection are serialised anyway, and two
  // concurrent scans would only slow down the page views that run meanwhile.
  const entities = await MarketEntity.countDocuments(FIGURE_FILTERS.entities);
  const drawable = await MarketEntity.countDocuments(FIGURE_FILTERS.drawable);
  const inspectors = await Inspector.countDocuments(FIGURE_FILTERS.inspectors);
  const items = await InspectionItem.countDocuments(FIGURE_FILTERS.items);
  // Index-backed on MongoDB ({region, creditCode}); like the counts, never run per page view.
  const regions = ((await MarketEntity.distinct('region')) as unknown[])
    .filter((region): region is string => typeof region === 'string' && region !== '')
    .sort(new Intl.Collator('zh-CN').compare);
  return { entities, drawable, inspectors, items, regions };
}

let inFlight: Promise<RosterFigureSnapshot> | undefined;

/** Recounts and stores the figures unless newer ones were stored meanwhile; one at a time per process. */
export function refreshRosterFigures(now: () => Date = () => new Date()): Promise<RosterFigureSnapshot> {
  inFlight ??= (async () => {
    const asOf = now();
    const values = await countRosterFigures();
    try {
      await RosterFigures.updateOne(
        { key: KEY, computedAt: mongoose.trusted({ $lt: asOf }) },
        { $set: { ...values, computedAt: asOf }, $setOnInsert: { key: KEY } },
        { upsert: true },
      );
    } catch (error) {
      // 11000: another instance stored figures counted after ours (the filter missed its
      // document, so the upsert tried a second one under the unique key). Theirs are newer.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    return { ...values, asOf };
  })().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

/** Resolves when the background recount (if any) has finished; for tests and benchmarks. */
export async function settleRosterFigures(): Promise<void> {
  await inFlight?.catch(() => undefined);
}

export interface FiguresOptions {
  now?: () => Date;
  maxAgeMs?: number;
  /** Where a failed background recount is reported (the page still shows the kept figures). */
  onRefreshError?: (error: unknown) => void;
}

/** The figures for a page view: one lookup by a unique key; stale figures start a background recount. */
export async function rosterFigures(options: FiguresOptions = {}): Promise<RosterFigureSnapshot> {
  return (await keptFigures(options, true)) as RosterFigureSnapshot;
}

/**
 * The regions of the entity roster for a filter, read from the kept figures and recounted with
 * them. Unlike the home page, a list page never waits for a first count: with nothing kept yet
 * it offers no regions and the recount runs in the background.
 */
export async function rosterRegions(options: FiguresOptions = {}): Promise<string[]> {
  return (await keptFigures(options, false))?.regions ?? [];
}

async function keptFigures(options: FiguresOptions, waitForFirst: boolean): Promise<RosterFigureSnapshot | undefined> {
  const now = options.now ?? (() => new Date());
  const background = () => {
    refreshRosterFigures(now).catch((error: unknown) => options.onRefreshError?.(error));
  };
  const stored = await RosterFigures.findOne({ key: KEY }).lean();
  if (!stored) {
    if (waitForFirst) return refreshRosterFigures(now);
    if (!inFlight) background();
    return undefined;
  }
  const age = now().getTime() - stored.computedAt.getTime();
  // Figures kept before regions were kept are stale too.
  const marked = (stored.dirtyAt instanceof Date && stored.dirtyAt >= stored.computedAt) || !Array.isArray(stored.regions);
  if (!inFlight && (age > (options.maxAgeMs ?? FIGURES_MAX_AGE_MS) || (marked && age > FIGURES_MIN_INTERVAL_MS))) background();
  const { entities, drawable, inspectors, items, computedAt } = stored;
  return { entities, drawable, inspectors, items, regions: stored.regions ?? [], asOf: computedAt };
}

/**
 * Called by the use cases that change what the figures count (status or removal of an entity,
 * an inspector's status, an item's activation): the next page view starts a recount. A blind
 * $set, so concurrent marks cannot be lost; nothing to mark before the first count.
 */
export async function markRosterFiguresStale(at: Date = new Date()): Promise<void> {
  await RosterFigures.updateOne({ key: KEY }, { $set: { dirtyAt: at } });
}
