// Owns running a draw exactly once, across instances and crashes.
//  1. Claim: insert the DrawRun under its unique key "<task>|<slot>|<attempt>" holding the
//     verified source values. Whoever inserts it owns the draw; anyone else sees the claim.
//  2. The record is a pure function of the announcement, its frozen chunks and the claimed
//     values, so any instance may (re)compute it after a crash and gets the identical record.
//  3. Results are written idempotently (DrawnEntity rows under "<run key>|<credit code>"), the
//     run is then marked complete, and its audit event is appended under a deterministic id
//     (recordAuditOnce, server/audit/chain.ts).
// A run left in 'drawing' (crash) is completed by recoverDraws() — on start and by the job.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import mongoose, { Types } from 'mongoose';
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, DrawnEntity, type DrawRunRecord } from '../../models/draw-run.js';
import { Task } from '../../models/task.js';
import { DrawError, runAnnouncedDraw, type DrawRecord, type InspectorInput, type RecordRandomness } from '../draw/index.js';
import { isDuplicateKeyError } from '../errors.js';
import { recordAuditOnce } from '../audit/chain.js';
import { createInspectionsForRun } from '../inspections/create.js';
import { assertManage, auditContext, SYSTEM, type Acting } from './acting.js';
import { DrawBlockedError, loadChunks, publishedAnnouncement } from './announce.js';
import type { PoolEntity } from './pool.js';
import type { CrashPoint, DrawSettings } from './settings.js';
import { announcementSources, type SourceState } from './sources.js';
import { saveSourceCheck } from './source-checks.js';
import { drawBlocker, loadTask, taskTarget } from './tasks.js';
import { invalidatePublicCache } from '../http/public-cache.js';

export type DrawOutcome =
  | { state: 'complete'; run: DrawRunRecord }
  | { state: 'failed'; run: DrawRunRecord }
  | { state: 'waiting'; reason: string; sources: SourceState[] };

function crashPoint(settings: DrawSettings, point: CrashPoint): void {
  // Tests only (config refuses it in production): die here as a power cut would.
  if (settings.crashAt === point) process.kill(process.pid, 'SIGKILL');
}

/** An audit event written at most once (moved to the audit chain; re-exported for existing callers). */
export { recordAuditOnce };

/** The source values a run was claimed with. */
export const runRandomness = (run: Pick<DrawRunRecord, 'randomness'>) => JSON.parse(run.randomness) as RecordRandomness;

/** Digest of a full record (JSON in the engine's key order): anyone recomputing gets it. */
export const recordSha256 = (record: DrawRecord) => createHash('sha256').update(JSON.stringify(record)).digest('hex');

/**
 * Draws the announcement now if it is due and every declared source has a verified value;
 * otherwise says what it waits for. Idempotent: an existing run is returned (or completed).
 */
export async function drawAnnouncement(a: AnnouncementRecord, acting: Acting, settings: DrawSettings, trigger: 'schedule' | 'request' | 'catch-up'): Promise<DrawOutcome> {
  const existing = await DrawRun.findOne({ key: a.key }).lean<DrawRunRecord>();
  if (existing) return finish(existing, settings);
  const now = settings.now();
  if (now < a.drawAt) return { state: 'waiting', reason: `the draw is scheduled for ${a.drawAt.toISOString()}`, sources: [] };
  // What blocked the announcement blocks the draw too, if it arose after the announcement
  // (an item taken off the published list, the plan amended to another type): nothing may be
  // inspected that is not on the published list. The task page names the blocker.
  const blocker = await drawBlocker(await loadTask(a.taskId));
  if (blocker) return { state: 'waiting', reason: blocker, sources: [] };
  const report = await announcementSources(a, settings, { fetch: true });
  if (!report.ready || !report.randomness) {
    // Kept for the task page and the job's log: only this fetch knows why the relays failed.
    await saveSourceCheck(a, report.sources, trigger, settings);
    const blocking = report.sources.filter((s) => s.state !== 'ready');
    return { state: 'waiting', reason: blocking.map((s) => `${s.description}: ${s.reason}`).join('; '), sources: report.sources };
  }
  let run: DrawRunRecord;
  try {
    const created = await DrawRun.create({
      key: a.key, taskId: a.taskId, announcementId: a._id, announcementDigest: a.digest, slot: a.slot, attempt: a.attempt,
      state: 'drawing', randomness: JSON.stringify(report.randomness), trigger, claimedAt: now,
      claimedBy: { host: hostname(), pid: process.pid, kind: acting.actor.kind, label: acting.actor.label },
    });
    run = created.toObject() as DrawRunRecord;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Another instance claimed it first: its claim is the draw.
    return finish((await DrawRun.findOne({ key: a.key }).lean<DrawRunRecord>())!, settings);
  }
  const task = await loadTask(a.taskId);
  await recordAuditOnce(`${a.key}#claim`, { ...auditContext(acting), action: 'draw.start', target: taskTarget(task), after: { key: a.key, digest: a.digest, trigger, randomness: JSON.stringify(report.randomness) } });
  crashPoint(settings, 'after-claim');
  return finish(run, settings);
}

async function finish(run: DrawRunRecord, settings: DrawSettings): Promise<DrawOutcome> {
  if (run.state === 'complete') return { state: 'complete', run };
  if (run.state === 'failed') return { state: 'failed', run };
  return completeRun(run, settings);
}

/** Recomputes the record of a claimed run (deterministic) with the frozen chunks. */
export async function computeRecord(a: AnnouncementRecord, randomness: RecordRandomness): Promise<{ record: DrawRecord; pool: PoolEntity[] }> {
  const pool = await loadChunks<PoolEntity>(a.digest, 'pool', a.poolChunks);
  const inspectors = a.rosterChunks > 0 || publishedAnnouncement(a).inspectors ? await loadChunks<InspectorInput>(a.digest, 'roster', a.rosterChunks) : undefined;
  const record = runAnnouncedDraw({ announcement: publishedAnnouncement(a), pool, ...(inspectors ? { inspectors } : {}), randomness });
  return { record, pool };
}

/** The summary kept on the run: the record without the input and the long lists. */
function summarise(record: DrawRecord) {
  return {
    spec: record.spec, announcementDigest: record.announcementDigest, seed: record.seed, pool: record.pool,
    strata: record.strata.map((s) => ({ ...s, selected: s.selected.length, alternates: s.alternates.length })),
    teams: record.assignment?.teams.length ?? 0,
  };
}

/** Completes a claimed run: computes, writes the drawn list idempotently, marks complete. */
export async function completeRun(run: DrawRunRecord, settings: DrawSettings): Promise<DrawOutcome> {
  const a = (await Announcement.findById(run.announcementId).lean<AnnouncementRecord>())!;
  const task = await loadTask(run.taskId);
  let computed;
  try {
    computed = await computeRecord(a, runRandomness(run));
  } catch (error) {
    if (!(error instanceof DrawError)) throw error;
    // A refusal of the engine is as deterministic as a record: recorded, never retried silently.
    await DrawRun.updateOne({ key: run.key, state: 'drawing' }, { $set: { state: 'failed', failure: { code: error.code, message: error.message }, completedAt: settings.now() } });
    await Announcement.updateOne({ _id: a._id }, { $set: { drawnAt: settings.now() } });
    await recordAuditOnce(`${run.key}#failed`, { ...auditContext(SYSTEM), action: 'draw.failed', target: taskTarget(task), after: { key: run.key, code: error.code, message: error.message } });
    await invalidatePublicCache(settings.now()); // the announcement shows the failed draw
    return { state: 'failed', run: (await DrawRun.findOne({ key: run.key }).lean<DrawRunRecord>())! };
  }
  const { record, pool } = computed;
  const names = new Map(pool.map((e) => [e.creditCode, e.name ?? '']));
  const teams = new Map((record.assignment?.teams ?? []).map((t) => [t.creditCode, t.inspectors]));
  const drawnOn = record.input.inspectionDate;
  const base = { runKey: run.key, taskId: run.taskId, departmentCode: task.departmentCode, inspectionType: task.inspectionType, year: Number(drawnOn.slice(0, 4)), drawnOn, superseded: false };
  const rows: Record<string, unknown>[] = [];
  let order = 0;
  if (a.phase === 'teams') {
    // A department's teams for a joint task's entities: rows of role 'team', never counted as draws.
    for (const t of record.assignment?.teams ?? []) rows.push({ ...base, _id: `${run.key}|${t.creditCode}`, creditCode: t.creditCode, name: names.get(t.creditCode) ?? '', stratumId: t.stratumId, role: 'team', order: order++, team: t.inspectors });
  } else for (const s of record.strata) {
    for (const code of s.selected) rows.push({ ...base, _id: `${run.key}|${code}`, creditCode: code, name: names.get(code) ?? '', stratumId: s.id, role: 'selected', order: order++, team: teams.get(code) ?? [] });
    for (const code of s.alternates) rows.push({ ...base, _id: `${run.key}|${code}`, creditCode: code, name: names.get(code) ?? '', stratumId: s.id, role: 'alternate', order: order++, team: [] });
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await DrawnEntity.collection.insertMany(rows.slice(i, i + 1000) as never[], { ordered: false }).catch((e: { code?: number; writeErrors?: { code: number }[] }) => {
      // Rows written before a crash are already there (same ids, same content).
      const errors = e.writeErrors ?? (e.code === 11000 ? [{ code: 11000 }] : []);
      if (errors.length === 0 || errors.some((w) => w.code !== 11000)) throw e;
    });
  }
  crashPoint(settings, 'after-results');
  const summary = summarise(record);
  const sha = recordSha256(record);
  crashPoint(settings, 'before-complete');
  const completedAt = settings.now();
  await DrawRun.updateOne({ key: run.key, state: 'drawing' }, { $set: { state: 'complete', summary, recordSha256: sha, completedAt } });
  if (run.attempt > 1 && a.phase !== 'teams') await supersedeEarlier(run);
  await Announcement.updateOne({ _id: a._id }, { $set: { drawnAt: completedAt } });
  if (a.phase !== 'teams') await Task.updateOne({ _id: task._id, status: '待抽取' }, { $set: { status: '已抽取' } });
  await recordAuditOnce(`${run.key}#complete`, { ...auditContext(SYSTEM), action: 'draw.complete', target: taskTarget(task), after: { key: run.key, digest: a.digest, recordSha256: sha, selected: rows.filter((r) => r.role === 'selected').length } });
  await invalidatePublicCache(completedAt); // the announcement and verification pages show the draw
  // A joint task's department teams drawn after its entity list was locked: their inspections begin now.
  if (a.phase === 'teams') await createInspectionsForRun(run.key);
  return { state: 'complete', run: (await DrawRun.findOne({ key: run.key }).lean<DrawRunRecord>())! };
}

/** A completed redo supersedes the earlier draws of its slot; they stay, marked. */
async function supersedeEarlier(run: DrawRunRecord): Promise<void> {
  const earlier = await DrawRun.find({ taskId: run.taskId, slot: run.slot, attempt: mongoose.trusted({ $lt: run.attempt }) }).select('key').lean<{ key: string }[]>();
  for (const e of earlier) {
    await DrawRun.updateOne({ key: e.key }, { $set: { supersededBy: run.key } });
    await DrawnEntity.updateMany({ runKey: e.key }, { $set: { superseded: true } });
  }
}

/** Completes every run left 'drawing' whose claim is older than `staleMs` (0: all of them). */
export async function recoverDraws(settings: DrawSettings, staleMs: number): Promise<number> {
  const before = new Date(settings.now().getTime() - staleMs);
  const runs = await DrawRun.find({ state: 'drawing' }).lean<DrawRunRecord[]>();
  let n = 0;
  for (const run of runs) {
    if (staleMs > 0 && run.claimedAt > before) continue;
    await completeRun(run, settings);
    n += 1;
  }
  return n;
}

/** A supervisor's "draw now" on a task's due announcement (refused before its time or sources). */
export async function requestDraw(announcementId: string, acting: Acting, settings: DrawSettings): Promise<DrawOutcome> {
  const a = Types.ObjectId.isValid(announcementId) ? await Announcement.findById(announcementId).lean<AnnouncementRecord>() : null;
  if (!a) throw new DrawBlockedError('No such announcement.');
  const task = await loadTask(a.taskId);
  assertManage(acting, task.departmentCode);
  const outcome = await drawAnnouncement(a, acting, settings, 'request');
  if (outcome.state === 'waiting') throw new DrawBlockedError(`The draw cannot start yet: ${outcome.reason}`, { sources: outcome.sources });
  return outcome;
}
