// Owns reading import runs back for people: one run with its live progress (what the web page
// polls), the recent runs, and the error report as a download stream.
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import mongoose from 'mongoose';
import { ImportRun, type ImportCounts, type ImportKind, type ImportRowError, type ImportStatus } from '../../models/import-run.js';
import { NotFoundError, renderMessage, type LocalMessage } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { RunFailure } from './messages.js';
import { progressOf, type ImportProgress } from './progress.js';
import { effectiveStatus } from './run-store.js';

export interface ImportRunView {
  id: string;
  kind: ImportKind;
  fileName: string;
  format: string;
  encoding?: string | undefined;
  dryRun: boolean;
  startedBy: { userId?: string | undefined; username: string; via: string };
  /** 'running' only while the process is alive; a dead one reads 'interrupted'. */
  status: ImportStatus;
  progress: ImportProgress;
  unknownColumns: string[];
  /** Columns ignored because an earlier one feeds the same field (none on runs from before). */
  repeatedColumns: { header: string; first: string }[];
  errorCount: number;
  hasErrorReport: boolean;
  sampleErrors: ImportRowError[];
  failure?: RunFailure | undefined;
  resumeOf?: string | undefined;
  resumedFromRow?: number | undefined;
  startedAt: Date;
  finishedAt?: Date | undefined;
}

export async function getImportRun(runId: string): Promise<ImportRunView> {
  return toView(await findRun(runId));
}

export async function listImportRuns(options: { kind?: ImportKind; limit?: number } = {}): Promise<ImportRunView[]> {
  const filter = options.kind ? { kind: options.kind } : {};
  const runs = await ImportRun.find(filter).sort({ startedAt: -1 }).limit(Math.min(100, options.limit ?? 20)).lean();
  return runs.map(toView);
}

/** The run's error report as a stream, with a download name; NotFoundError when it has none. */
export async function openErrorReport(runId: string, dataDir: string): Promise<{ fileName: string; size: number; stream: ReadStream }> {
  const run = await findRun(runId);
  const relative = run.errorReport?.path;
  if (!relative || isAbsolute(relative) || normalize(relative).startsWith('..')) throw notFound('no_error_report', {});
  const path = join(dataDir, relative);
  const size = await stat(path).then((info) => info.size, () => undefined);
  if (size === undefined) throw notFound('error_report_gone', {});
  return { fileName: `${run.kind}-${runId}-errors.csv`, size, stream: createReadStream(path) };
}

async function findRun(runId: string) {
  const run = mongoose.isValidObjectId(runId) ? await ImportRun.findById(runId).lean() : null;
  if (!run) throw notFound('no_run', { runId });
  return run;
}

type RunDocument = NonNullable<Awaited<ReturnType<typeof findRun>>>;

function toView(run: RunDocument): ImportRunView {
  const status = effectiveStatus(run);
  const stored: Partial<ImportCounts> = run.counts ?? {};
  const counts: ImportCounts = {
    read: stored.read ?? 0, inserted: stored.inserted ?? 0, updated: stored.updated ?? 0,
    unchanged: stored.unchanged ?? 0, duplicates: stored.duplicates ?? 0, rejected: stored.rejected ?? 0,
  };
  const startedBy = run.startedBy ?? { username: '?', via: 'web' };
  const end = run.finishedAt ?? (status === 'running' ? new Date() : run.heartbeatAt);
  return {
    id: String(run._id),
    kind: run.kind,
    fileName: run.fileName,
    format: run.format,
    encoding: run.encoding ?? undefined,
    dryRun: run.dryRun ?? false,
    startedBy: { userId: startedBy.userId ? String(startedBy.userId) : undefined, username: startedBy.username, via: startedBy.via },
    status,
    progress: progressOf({
      runId: String(run._id), status, counts, bytesRead: run.bytesRead ?? 0, fileSize: run.fileSize,
      lastCommittedRow: run.lastCommittedRow ?? 0, startedAt: run.startedAt, now: end,
    }),
    unknownColumns: run.unknownColumns ?? [],
    repeatedColumns: (run.repeatedColumns ?? []).map((c) => ({ header: c.header ?? '', first: c.first ?? '' })),
    errorCount: run.errorReport?.count ?? 0,
    hasErrorReport: Boolean(run.errorReport?.path),
    sampleErrors: (run.sampleErrors ?? []) as ImportRowError[],
    failure: run.failure?.code ? failureView(run.failure) : undefined,
    resumeOf: run.resumeOf ? String(run.resumeOf) : undefined,
    resumedFromRow: run.resumedFromRow ?? undefined,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? undefined,
  };
}

function failureView(failure: { code?: string | null; message?: string | null; key?: string | null; params?: unknown }): RunFailure {
  return {
    code: failure.code ?? '', message: failure.message ?? '',
    ...(failure.key ? { key: failure.key, params: (failure.params ?? {}) as RunFailure['params'] } : {}),
  };
}

function notFound(what: string, params: LocalMessage['params']): NotFoundError {
  const localMessage = { key: `import.file.${what}`, params };
  return new NotFoundError(renderMessage(translator('zh-CN'), localMessage)).localized(localMessage);
}
