// Owns the ImportRun documents: creating an attempt (or claiming the continuation of an
// interrupted one), recording progress after every batch, the heartbeat, and telling a live
// run from one whose process died.
//
// Claiming is an insert under a unique index (resumeOf), never a conditional update: FerretDB
// does not make concurrent conditional updates atomic. Progress writes to one run go through
// a single queue in its process, and each carries the whole snapshot, so the heartbeat timer
// and the batch loop never race one another into a lost update.
import { hostname } from 'node:os';
import type { Types } from 'mongoose';
import { ImportRun, type ImportCounts, type ImportKind, type ImportRowError, type ImportStatus } from '../../models/import-run.js';
import { ConflictError, isDuplicateKeyError, renderMessage } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { RunFailure } from './messages.js';
import type { RepeatedColumn } from './columns.js';

/** A running attempt without a heartbeat for this long is considered dead. */
export const STALE_AFTER_MS = 30_000;
export const HEARTBEAT_MS = 5_000;

export interface RunStart {
  kind: ImportKind;
  fileName: string;
  filePath: string;
  fileSha256: string;
  fileSize: number;
  format: 'csv' | 'xlsx';
  encoding?: string | undefined;
  dryRun: boolean;
  startedBy: { userId?: Types.ObjectId | string | undefined; username: string; via: 'web' | 'cli' | 'api' };
  columns: { header: string; field: string }[];
  unknownColumns: string[];
  repeatedColumns: RepeatedColumn[];
}

export interface Resumption {
  resumeOf: Types.ObjectId;
  /** Rows up to and including this one were committed by the earlier attempt. */
  fromRow: number;
  carried: Pick<ImportCounts, 'inserted' | 'updated' | 'unchanged'>;
}

export interface Snapshot {
  counts: ImportCounts;
  bytesRead: number;
  lastCommittedRow: number;
  errorReport: { path?: string | undefined; count: number };
  sampleErrors: ImportRowError[];
}

type RunLike = { status: string; heartbeatAt: Date; host?: string | null; pid?: number | null };

/** Alive when its heartbeat is fresh — and, on this host, only while its process exists. */
export function isLive(run: RunLike, now = new Date()): boolean {
  if (run.status !== 'running') return false;
  if (run.host === hostname() && run.pid && !processExists(run.pid)) return false;
  return now.getTime() - new Date(run.heartbeatAt).getTime() < STALE_AFTER_MS;
}

export function effectiveStatus(run: RunLike, now = new Date()): ImportStatus {
  return run.status === 'running' && !isLive(run, now) ? 'interrupted' : (run.status as ImportStatus);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates this attempt's run. If the latest attempt on the same file and kind stopped part-way,
 * this one continues it (rows up to its lastCommittedRow are not written again); if it is
 * still alive, refuses. Dry runs never resume and never block.
 */
export async function claimRun(start: RunStart, now = new Date()): Promise<{ runId: Types.ObjectId; resume?: Resumption }> {
  const latest = start.dryRun ? undefined : await latestRun(start);
  const resume = latest ? await resumableFrom(latest, start, now) : undefined;
  const claimKey = start.dryRun ? undefined : `${start.kind}:${start.fileSha256}:${latest ? String(latest._id) : 'first'}`;
  try {
    const run = await ImportRun.create({
      ...start, status: 'running', startedAt: now, heartbeatAt: now, host: hostname(), pid: process.pid,
      ...(claimKey ? { claimKey } : {}),
      ...(resume ? { resumeOf: resume.resumeOf, resumedFromRow: resume.fromRow, counts: { ...resume.carried } } : {}),
    });
    return { runId: run._id, ...(resume ? { resume } : {}) };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Another request claimed the same continuation a moment ago: name its run.
    const winner = claimKey ? await ImportRun.findOne({ claimKey }, { _id: 1 }).lean() : null;
    throw importRunning(winner ? String(winner._id) : undefined);
  }
}

/** 409 naming the import already running on the same file. */
export function importRunning(runId: string | undefined): ImportConflictError {
  const localMessage = runId ? { key: 'import.file.running', params: { runId } } : { key: 'import.file.running.unknown_run' };
  return new ImportConflictError(renderMessage(translator('zh-CN'), localMessage), { reason: 'already_running', ...(runId ? { runId } : {}) })
    .localized(localMessage, 'already_running');
}

export class ImportConflictError extends ConflictError {
  override readonly code = 'import_running';
}

async function latestRun(start: RunStart) {
  return ImportRun.findOne({ kind: start.kind, fileSha256: start.fileSha256, dryRun: false }).sort({ startedAt: -1 }).lean();
}

/**
 * If the latest attempt on the same file and kind stopped part-way, this one continues it
 * (rows up to its lastCommittedRow are not written again); if it is still alive, refuses.
 */
async function resumableFrom(latest: NonNullable<Awaited<ReturnType<typeof latestRun>>>, start: RunStart, now: Date): Promise<Resumption | undefined> {
  if (isLive(latest, now)) throw importRunning(String(latest._id));
  if (latest.status === 'completed' || latest.lastCommittedRow === 0) return undefined;
  // Rows are only the same rows when read the same way.
  if (latest.format !== start.format || (latest.encoding ?? undefined) !== start.encoding) return undefined;
  if (latest.status === 'running') {
    await ImportRun.updateOne({ _id: latest._id }, { $set: { status: 'interrupted', finishedAt: now } });
  }
  const counts = latest.counts ?? {};
  return {
    resumeOf: latest._id,
    fromRow: latest.lastCommittedRow,
    carried: { inserted: counts.inserted ?? 0, updated: counts.updated ?? 0, unchanged: counts.unchanged ?? 0 },
  };
}

/** A run that failed before reading any row (e.g. a missing column), kept for the record. */
export async function recordRejectedFile(start: RunStart, failure: RunFailure): Promise<Types.ObjectId> {
  const now = new Date();
  const run = await ImportRun.create({
    ...start, status: 'failed', failure, startedAt: now, heartbeatAt: now, finishedAt: now, host: hostname(), pid: process.pid,
  });
  return run._id;
}

/** Serialised progress writes for one run, plus the heartbeat between them. */
export class RunRecorder {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private latest: Snapshot | undefined;

  constructor(readonly runId: Types.ObjectId, private readonly clock: () => Date = () => new Date()) {}

  startHeartbeat(): void {
    this.timer = setInterval(() => void this.write({}).catch(() => {}), HEARTBEAT_MS);
    this.timer.unref();
  }

  commit(snapshot: Snapshot): Promise<void> {
    this.latest = snapshot;
    return this.write({});
  }

  async finish(status: Exclude<ImportStatus, 'running'>, snapshot: Snapshot | undefined, failure?: RunFailure): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (snapshot) this.latest = snapshot;
    await this.write({ status, finishedAt: this.clock(), ...(failure ? { failure } : {}) });
  }

  private write(extra: Record<string, unknown>): Promise<void> {
    const run = async () => {
      const $set = { ...(this.latest ?? {}), heartbeatAt: this.clock(), ...extra };
      await ImportRun.updateOne({ _id: this.runId }, { $set });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }
}
