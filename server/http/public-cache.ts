// Owns caching of the public pages and exports (一公开): validators (ETag, Last-Modified, so a
// browser or proxy revalidates with a 304) and a server-side cache of rendered responses keyed
// by URL and language, dropped on every change the public can see — a publication, correction or
// withdrawal of a result, a plan's publication, a task's announcement, a draw's completion. The
// use cases call invalidatePublicCache(); routes use `router.get(path, publicCache(), handler)`.
//
// Why a generation counter in the database, read per request: several app instances share one
// database (README, Deployment), and a publication made through one must be visible through
// every other at once — the public must never see a withdrawn result again because it hit
// another instance. Each instance keeps its own rendered copies in memory, stamped with the
// generation they were rendered under; invalidation is one `$inc` on a single AppMeta document
// and each request reads that document by its unique key (one indexed point read, which every
// embedded server serves from its unique index, far cheaper than the queries and rendering it
// saves). No pub/sub or TTL index is needed, so it works the same on MongoDB, mongo-java-server
// and FerretDB. Concurrent requests share reads: one read runs at a time and every request
// waits for a read that *started after it arrived* (at most the running one plus one queued),
// so a request that follows a completed invalidation never gets a copy from before it. The
// stamp includes the counter document's _id, so a wiped or restored database (tests) never
// matches copies from before. Copies also expire after MAX_AGE_MS, which bounds the staleness
// of what a lost invalidation (a process killed between a change and its invalidation) or a
// time-dependent figure could leave. Only anonymous GETs answering 200 are cached: signed-in
// users' pages carry their own menu (and `no-store`). The cache is a bounded Map in
// insertion order (an LRU in 20 lines; a dependency would add nothing here).
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppMeta } from '../../models/app-meta.js';

const KEY = 'public-cache';
/** Rendered copies older than this are rendered again even without an invalidation. */
export const MAX_AGE_MS = 10 * 60_000;
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 64 * 1024 * 1024;

export interface Generation { stamp: string; changedAt: Date }
interface Entry { stamp: string; body: Buffer; type: string; disposition?: string; etag: string; lastModified: string; storedAt: number }

const entries = new Map<string, Entry>();
let bytes = 0;

/** Reads (creating on first use) the generation document. */
async function fetchGeneration(): Promise<Generation> {
  const read = () => AppMeta.collection.findOne({ key: KEY }, { projection: { _id: 1, value: 1 } });
  let doc = await read();
  if (!doc) {
    const now = new Date();
    await AppMeta.collection.updateOne({ key: KEY }, { $setOnInsert: { value: { generation: 0, changedAt: now }, createdAt: now, updatedAt: now } }, { upsert: true })
      .catch((error: { code?: number }) => { if (error.code !== 11000) throw error; }); // another instance created it
    doc = await read();
  }
  const value = (doc?.value ?? {}) as { generation?: number; changedAt?: Date };
  return { stamp: `${String(doc?._id)}:${value.generation ?? 0}`, changedAt: value.changedAt ?? new Date(0) };
}

let running: Promise<Generation> | null = null;
let queued: Promise<Generation> | null = null;

function startRead(): Promise<Generation> {
  const read: Promise<Generation> = fetchGeneration().finally(() => { if (running === read) running = null; });
  running = read;
  return read;
}

/** The current generation, from a read that started after this call (see the header). */
export function currentGeneration(): Promise<Generation> {
  if (!running) return startRead();
  if (!queued) {
    queued = running.then(() => undefined, () => undefined).then(() => { queued = null; return startRead(); });
  }
  return queued;
}

/** Drops every rendered copy on every instance: call after a change the public can see. */
export async function invalidatePublicCache(now: Date = new Date()): Promise<void> {
  await AppMeta.collection.updateOne({ key: KEY }, { $inc: { 'value.generation': 1 }, $set: { 'value.changedAt': now, updatedAt: now }, $setOnInsert: { createdAt: now } }, { upsert: true })
    .catch(async (error: { code?: number }) => {
      if (error.code !== 11000) throw error;
      await AppMeta.collection.updateOne({ key: KEY }, { $inc: { 'value.generation': 1 }, $set: { 'value.changedAt': now, updatedAt: now } });
    });
  entries.clear();
  bytes = 0;
}

/** Forgets this instance's copies (tests that change data directly, not through a use case). */
export function clearLocalPublicCache(): void {
  entries.clear();
  bytes = 0;
}

function remember(key: string, entry: Entry): void {
  const earlier = entries.get(key);
  if (earlier) { bytes -= earlier.body.length; entries.delete(key); }
  if (entry.body.length > MAX_BYTES / 16) return;
  entries.set(key, entry);
  bytes += entry.body.length;
  for (const [oldKey, old] of entries) {
    if (entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
    entries.delete(oldKey);
    bytes -= old.body.length;
  }
}

function recall(key: string, stamp: string, now: number): Entry | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (entry.stamp !== stamp || now - entry.storedAt > MAX_AGE_MS) {
    entries.delete(key);
    bytes -= entry.body.length;
    return undefined;
  }
  entries.delete(key); // most recently used goes last
  entries.set(key, entry);
  return entry;
}

/**
 * A response that sets a cookie other than the language (e.g. the anonymous CSRF nonce of a page
 * with a POST form) belongs to one visitor: it is sent, never kept.
 */
function setsOwnCookie(res: Response): boolean {
  const header = res.getHeader('Set-Cookie');
  const cookies = header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
  return cookies.some((cookie) => !cookie.startsWith('lang='));
}

/** Validators and caching headers: anyone may store it, but must revalidate (a publication can change it any moment). */
function setValidators(res: Response, entry: Pick<Entry, 'etag' | 'lastModified'>): void {
  res.set('ETag', entry.etag);
  res.set('Last-Modified', entry.lastModified);
  res.set('Cache-Control', 'public, no-cache');
  res.vary('Cookie'); // the language may come from the `lang` cookie
}

/**
 * Middleware for public GET routes: answers from the cache (or 304) when it can, otherwise lets
 * the handler render and keeps what it sends. `router.get(path, publicCache(), handler)`.
 */
export function publicCache(): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.user) { next(); return; }
    const generation = await currentGeneration();
    const key = `${String(res.locals.locale ?? '')} ${req.originalUrl}`;
    const now = Date.now();
    const hit = recall(key, generation.stamp, now);
    res.set('X-Public-Cache', hit ? 'hit' : 'miss');
    if (hit) {
      setValidators(res, hit);
      res.type(hit.type);
      if (hit.disposition) res.set('Content-Disposition', hit.disposition); // an export's file name
      if (req.fresh) { res.status(304).end(); return; }
      res.send(hit.body);
      return;
    }
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      res.send = send;
      if (res.statusCode !== 200 || (typeof body !== 'string' && !Buffer.isBuffer(body)) || setsOwnCookie(res)) return send(body);
      if (typeof body === 'string' && !res.get('Content-Type')) res.type('html');
      const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const entry: Entry = {
        stamp: generation.stamp, body: buffer, type: String(res.get('Content-Type') ?? 'text/html; charset=utf-8'),
        ...(res.get('Content-Disposition') ? { disposition: String(res.get('Content-Disposition')) } : {}),
        etag: `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"`,
        lastModified: generation.changedAt.toUTCString(), storedAt: now,
      };
      remember(key, entry);
      setValidators(res, entry);
      return send(buffer); // Express answers 304 itself when the request's validators match
    }) as Response['send'];
    next();
  };
}
