// Owns freezing a draw of a task into its announcement (抽查任务公告, DRAW-SPEC §14): read the
// pool and the roster, exclude the entities at their annual cap, declare the random sources
// (the drand round of the draw time, a lottery of a later day, a committed secret), freeze, and
// store — chunks and secret first, the Announcement last under its unique key (the commit
// point; a second instance freezing the same slot loses the insert and uses the winner's).
// Also the preview: the same reading and figures, writing nothing.
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/chain.js';
import { Announcement, AnnouncementChunk, AnnouncementSecret, type AnnouncementRecord } from '../../models/announcement.js';
import type { TaskRecord } from '../../models/task.js';
import { DrawError, freezeAnnouncement, type DeclaredSource, type InspectorInput, type StratumInput, type FreezeParams } from '../draw/index.js';
import { QUICKNET, commitmentOf, drandRoundAt, secretHex } from '../randomness/index.js';
import { ConflictError, isDuplicateKeyError } from '../errors.js';
import { auditContext, type Acting } from './acting.js';
import { entitiesAtCap, type AtCap } from './caps.js';
import { readPool, readRoster, type PoolEntity } from './pool.js';
import type { DrawSettings } from './settings.js';
import { drawBlocker, taskTarget } from './tasks.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { dayOf } from '../time.js';

/** A draw that cannot go ahead (yet), with the reason shown to the supervisor. */
export class DrawBlockedError extends ConflictError {
  override readonly code: string = 'draw_blocked';
}

export const CHUNK_SIZE = 5000;

export const announcementKey = (taskId: string, slot: Date, attempt: number) => `${taskId}|${slot.toISOString()}|${attempt}`;

/** YYYY-MM-DDTHH:MM:SSZ of unix seconds. */
export const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function taskStrata(task: TaskRecord): StratumInput[] {
  return task.strata.map((s) => {
    const q = s.quota ?? {};
    const base = q.count !== undefined && q.count !== null ? { count: q.count } : { ratio: (q.ratioPpm ?? 0) / 1_000_000 };
    return {
      id: s.id, where: (s.where ?? {}) as StratumInput['where'], alternates: s.alternates ?? 0,
      quota: { ...base, ...(q.min !== undefined && q.min !== null ? { min: q.min } : {}), ...(q.max !== undefined && q.max !== null ? { max: q.max } : {}) },
    } as StratumInput;
  });
}

export interface Gathered {
  taskId: string;
  inspectionDate: string;
  pool: PoolEntity[];
  roster: InspectorInput[] | undefined;
  atCap: AtCap[];
  strata: StratumInput[];
  assignment: FreezeParams['assignment'];
}

/** Reads what a draw of `task` for `slot` would freeze (no writes). */
export async function gather(task: TaskRecord, slot: Date, attempt: number, settings: DrawSettings): Promise<Gathered> {
  const inspectionDate = task.schedule?.cron ? dayOf(slot, settings.timeZone) : task.inspectionDate;
  const pool = await readPool(task.targeting === '定向' ? (task.conditions as Record<string, string[]>) : {}, settings.timeZone);
  const atCap = await entitiesAtCap(new Set(pool.map((e) => e.creditCode)), Number(inspectionDate.slice(0, 4)), task.departmentCode, settings.caps);
  const a = task.assignment;
  const departments = a?.allowedDepartments?.length ? a.allowedDepartments : [task.departmentCode, ...(task.participatingDepartments ?? [])];
  // A joint task's entity draw announces no inspector phase: each department draws its own teams.
  const roster = a?.teamSize && !task.joint ? await readRoster(departments, settings.timeZone) : undefined;
  const assignment = a?.teamSize && roster
    ? { inspectors: roster, teamSize: a.teamSize, maxAssignmentsPerInspector: a.maxAssignmentsPerInspector ?? 1, requiredQualifications: a.requiredQualifications ?? [], allowedDepartments: departments }
    : undefined;
  return { taskId: `${task.number}/${slot.toISOString()}/${attempt}`, inspectionDate, pool, roster, atCap, strata: taskStrata(task), assignment };
}

/** The Beijing date after `seconds`' Beijing date. */
function nextBeijingDay(seconds: number): string {
  return new Date((seconds + 8 * 3600 + 86400) * 1000).toISOString().slice(0, 10);
}

function declareSources(task: TaskRecord, nowSec: number, drawAtSec: number): DeclaredSource[] {
  const sources: DeclaredSource[] = [];
  if (task.sources?.drand !== false) sources.push({ type: 'drand', chain: QUICKNET.hash, round: drandRoundAt(QUICKNET, drawAtSec), time: isoSeconds(drawAtSec) });
  if (task.sources?.lotteryGame) sources.push({ type: 'lottery', game: task.sources.lotteryGame, date: nextBeijingDay(nowSec) });
  return sources;
}

async function writeChunks(digest: string, kind: 'pool' | 'roster', items: unknown[]): Promise<number> {
  const docs = [];
  for (let seq = 0; seq * CHUNK_SIZE < items.length; seq += 1) docs.push({ digest, kind, seq, items: items.slice(seq * CHUNK_SIZE, (seq + 1) * CHUNK_SIZE) });
  for (const doc of docs) {
    // One at a time and idempotent: the same digest always has the same chunks.
    await AnnouncementChunk.collection.insertOne(doc).catch((e: unknown) => { if (!isDuplicateKeyError(e)) throw e; });
  }
  return docs.length;
}

export interface AnnounceOptions { attempt?: number; drawAt?: Date; trigger?: string }

/**
 * Freezes and stores the announcement of `task`'s draw for `slot` (idempotent per slot and
 * attempt: an existing announcement is returned as it is). Refuses a draw time that has passed.
 */
export async function announceSlot(task: TaskRecord, slot: Date, acting: Acting, settings: DrawSettings, options: AnnounceOptions = {}): Promise<AnnouncementRecord> {
  const attempt = options.attempt ?? 1;
  const key = announcementKey(task._id.toString(), slot, attempt);
  const existing = await Announcement.findOne({ key }).lean<AnnouncementRecord>();
  if (existing) return existing;
  const blocker = await drawBlocker(task);
  if (blocker) throw new DrawBlockedError(`Cannot announce: ${blocker}.`);
  const drawAt = options.drawAt ?? slot;
  if (drawAt <= settings.now()) throw new DrawBlockedError('The draw time has passed: a draw is announced before its random values can exist.');
  const g = await gather(task, slot, attempt, settings);
  return freezeAndStore({ task, key, slot, attempt, drawAt, g, repeatWindowDays: task.repeatWindowDays ?? 0, trigger: options.trigger ?? 'request' }, acting, settings);
}

export interface StoreParams {
  task: TaskRecord;
  key: string;
  slot: Date;
  attempt: number;
  drawAt: Date;
  g: Gathered;
  repeatWindowDays: number;
  trigger: string;
  /** A joint task's department team draw (announcement model: phase, teamDepartment, entityRunKey). */
  teams?: { department: string; entityRunKey: string };
}

/** Freezes `g` into an announcement and stores it (chunks and secret first, the head last). */
export async function freezeAndStore(p: StoreParams, acting: Acting, settings: DrawSettings): Promise<AnnouncementRecord> {
  const { task, key, slot, attempt, drawAt, g, repeatWindowDays } = p;
  const now = settings.now();
  const nowSec = Math.floor(now.getTime() / 1000);
  const drawAtSec = Math.ceil(drawAt.getTime() / 1000);
  if (drawAtSec <= nowSec) throw new DrawBlockedError('The draw time has passed: a draw is announced before its random values can exist.');
  const reveal = task.sources?.commitReveal ? secretHex(randomBytes(32)) : null;
  let frozen;
  try {
    frozen = freezeAnnouncement({
      taskId: g.taskId, announcedAt: isoSeconds(nowSec), inspectionDate: g.inspectionDate, pool: g.pool, strata: g.strata,
      exclusions: { repeatWindowDays, atCap: g.atCap.map((c) => c.creditCode) },
      ...(g.assignment ? { assignment: g.assignment } : {}),
      randomness: { entities: declareSources(task, nowSec, drawAtSec), inspectors: null, commitment: reveal ? commitmentOf(reveal) : null },
    });
  } catch (error) {
    if (error instanceof DrawError) throw new DrawBlockedError(`Cannot announce: ${error.message} (${error.code}).`, { code: error.code, path: error.path });
    throw error;
  }
  const { digest, text, announcement } = frozen;
  const poolChunks = await writeChunks(digest, 'pool', g.pool);
  const rosterChunks = g.roster ? await writeChunks(digest, 'roster', g.roster) : 0;
  if (reveal) await AnnouncementSecret.collection.insertOne({ digest, commitment: commitmentOf(reveal), reveal }).catch((e: unknown) => { if (!isDuplicateKeyError(e)) throw e; });
  const f = announcement.figures;
  const exclusions = {
    inactive: f.excludedInactive, recent: f.excludedRecent, atCap: f.excludedAtCap, unstratified: f.unstratified,
    atCapByReason: { department: g.atCap.filter((c) => c.reason === 'department').length, overall: g.atCap.filter((c) => c.reason === 'overall').length },
  };
  try {
    const created = await Announcement.create({
      key, taskId: task._id, slot, attempt, drawAt, digest, text, poolChunks, rosterChunks, exclusions, announcedAt: new Date(nowSec * 1000),
      ...(p.teams ? { phase: 'teams', teamDepartment: p.teams.department, entityRunKey: p.teams.entityRunKey } : {}),
      announcedBy: { kind: acting.actor.kind, label: acting.actor.label, ...(acting.actor.kind === 'user' ? { userId: acting.actor.userId } : {}) },
    });
    await recordAudit({ ...auditContext(acting), action: 'draw.announce', target: taskTarget(task), after: { key, digest, drawAt: drawAt.toISOString(), poolSize: announcement.pool.size, sources: announcement.randomness.entities, trigger: p.trigger, ...(p.teams ? { teams: p.teams.department } : {}) } });
    await invalidatePublicCache(now); // 抽查任务公告
    return created.toObject() as AnnouncementRecord;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Another instance announced this slot first: its announcement is the one; ours never was.
    const winner = (await Announcement.findOne({ key }).lean<AnnouncementRecord>())!;
    if (winner.digest !== digest) {
      await AnnouncementChunk.collection.deleteMany({ digest });
      await AnnouncementSecret.collection.deleteMany({ digest });
    }
    return winner;
  }
}

/** The announcement object as published (parsed from its stored canonical text). */
export function publishedAnnouncement(a: Pick<AnnouncementRecord, 'text'>) {
  return JSON.parse(a.text.slice(a.text.indexOf('\n') + 1)) as ReturnType<typeof freezeAnnouncement>['announcement'];
}

export async function loadChunks<T>(digest: string, kind: 'pool' | 'roster', expected: number): Promise<T[]> {
  const out: T[] = [];
  let seq = 0;
  for await (const chunk of AnnouncementChunk.collection.find({ digest, kind }).sort({ seq: 1 })) {
    if (chunk.seq !== seq) throw new Error(`announcement ${digest}: ${kind} chunk ${seq} is missing`);
    for (const item of chunk.items as T[]) out.push(item);
    seq += 1;
  }
  if (seq !== expected) throw new Error(`announcement ${digest}: ${seq} of ${expected} ${kind} chunks`);
  return out;
}
