// Owns starting an import — the use case the CLI and (later) the web routes call. It stores or
// hashes the file, reads the header and maps the columns (so a missing column fails before
// anything else happens, and the caller can answer 422 at once), claims an ImportRun (resuming
// an interrupted attempt on the same file), then runs the batches in the background and
// resolves `done` with the summary. `done` never rejects: a failure is a summary with status
// 'failed', so a route that does not await it cannot leak an unhandled rejection. A run that
// completes or fails is audited here (server/import/audit.ts), whoever started it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import type { ImportCounts } from '../../models/import-run.js';
import { mapColumns, type ColumnMapping, type RepeatedColumn } from './columns.js';
import type { Encoding } from './encoding.js';
import { ImportEngine } from './engine.js';
import { ErrorReportWriter, errorReportPath } from './error-report.js';
import { KINDS } from './kinds/index.js';
import { markRosterFiguresStale } from '../rosters/roster-figures.js';
import { loadKindContext } from './kinds/kind.js';
import { progressOf, type ImportProgress } from './progress.js';
import { claimRun, recordRejectedFile, RunRecorder, type Resumption, type RunStart, type Snapshot } from './run-store.js';
import { openSource, type OpenedSource } from './source.js';
import { describeFile, storeUpload, type StoredFile } from './stored-file.js';
import { ImportFileError, type ImportKind } from './types.js';
import { failureOf, type RunFailure } from './messages.js';
import { auditImportRun } from './audit.js';
import { DEFAULT_LOCALE, translator, type Locale } from '../i18n/index.js';

export const DEFAULT_BATCH_SIZE = 1000;
const NO_ROWS: ImportCounts = { read: 0, rejected: 0, duplicates: 0, inserted: 0, updated: 0, unchanged: 0 };

export interface ImportRequest {
  kind: ImportKind;
  /** A file on disk (CLI), or an upload stream (web), which is first saved under DATA_DIR. */
  source: { path: string; fileName?: string } | { stream: Readable; fileName: string; maxBytes?: number };
  user: { userId?: Types.ObjectId | string; username: string; via?: 'web' | 'cli' | 'api' };
  /** Where uploads and error reports are kept (config.dataDir). */
  dataDir: string;
  /** CSV only; default 'auto' (BOM, else strict UTF-8, else GB18030). */
  encoding?: Encoding | 'auto';
  delimiter?: string;
  /** The language of the error report: the one of whoever started the import (default zh-CN). */
  locale?: Locale;
  /** Validate and report only: nothing is written to the rosters. */
  dryRun?: boolean;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops after the batch in progress; the run is then 'interrupted' and resumable. */
  signal?: AbortSignal;
}

export interface ImportSummary {
  runId: string;
  status: 'completed' | 'interrupted' | 'failed';
  counts: ImportCounts;
  written: number;
  unknownColumns: string[];
  repeatedColumns: RepeatedColumn[];
  /** Absolute path of the CSV error report, when any row was rejected. */
  errorReport?: { path: string; count: number };
  failure?: RunFailure;
  resumedFromRow?: number;
  encoding?: string;
  format: 'csv' | 'xlsx';
  elapsedSeconds: number;
}

export interface ImportHandle {
  runId: string;
  resumedFromRow?: number;
  unknownColumns: string[];
  repeatedColumns: RepeatedColumn[];
  done: Promise<ImportSummary>;
}

export async function startImport(request: ImportRequest): Promise<ImportHandle> {
  const kind = KINDS[request.kind];
  if (!kind) throw new ImportFileError('unreadable_file', 'unknown_kind', { kind: String(request.kind) });
  const file = 'stream' in request.source
    ? await storeUpload(request.source.stream, request.source.fileName, request.dataDir, request.kind, request.source.maxBytes)
    : await describeFile(request.source.path, request.source.fileName);
  const start = runStart(request, file);
  let opened: Awaited<ReturnType<typeof openAndMap>> | undefined;
  let claimed: Awaited<ReturnType<typeof claimRun>>;
  try {
    opened = await openAndMap(request, file, start);
    start.columns = opened.mapping.mapped;
    start.unknownColumns = opened.mapping.unknown;
    start.repeatedColumns = opened.mapping.repeated;
    claimed = await claimRun(start);
  } catch (error) {
    // A refused upload is not kept (see retention.ts); a CLI file is the user's own.
    await opened?.source.close();
    if (file.uploaded) await rm(file.path, { force: true });
    throw error;
  }
  const { source, mapping } = opened;
  const runId = String(claimed.runId);
  const done = execute(request, { file, source, mapping, runId: claimed.runId, resume: claimed.resume });
  return { runId, unknownColumns: mapping.unknown, repeatedColumns: mapping.repeated, done, ...(claimed.resume ? { resumedFromRow: claimed.resume.fromRow } : {}) };
}

function startedByOf(request: ImportRequest): RunStart['startedBy'] {
  return { userId: request.user.userId, username: request.user.username, via: request.user.via ?? 'web' };
}

function runStart(request: ImportRequest, file: StoredFile): RunStart {
  return {
    kind: request.kind,
    fileName: file.fileName,
    filePath: file.path,
    fileSha256: file.sha256,
    fileSize: file.size,
    format: 'csv',
    dryRun: request.dryRun ?? false,
    startedBy: startedByOf(request),
    columns: [],
    unknownColumns: [],
    repeatedColumns: [],
  };
}

/** Opens the file and maps its header; a file-level problem is recorded as a failed run, then thrown. */
async function openAndMap(request: ImportRequest, file: StoredFile, start: RunStart): Promise<{ source: OpenedSource; mapping: ColumnMapping }> {
  let source: OpenedSource | undefined;
  try {
    source = await openSource(file.path, { encoding: request.encoding ?? 'auto', delimiter: request.delimiter });
    start.format = source.format;
    start.encoding = source.encoding;
    return { source, mapping: mapColumns(KINDS[request.kind], source.header) };
  } catch (error) {
    await source?.close();
    if (error instanceof ImportFileError) {
      const failure = failureOf(error);
      const runId = await recordRejectedFile(start, failure);
      // The caller must see the file's own error; the run is recorded already, its audit entry is best effort.
      await auditImportRun({ ...start, runId, status: 'failed', counts: NO_ROWS, failure }).catch(() => undefined);
    }
    throw error;
  }
}

interface Prepared {
  file: StoredFile;
  source: OpenedSource;
  mapping: ColumnMapping;
  runId: Types.ObjectId;
  resume: Resumption | undefined;
}

async function execute(request: ImportRequest, prepared: Prepared): Promise<ImportSummary> {
  const { file, source, mapping, runId, resume } = prepared;
  const startedAt = new Date();
  const recorder = new RunRecorder(runId);
  const report = errorReportPath(request.dataDir, String(runId));
  const errorReport = new ErrorReportWriter(report.absolute, translator(request.locale ?? DEFAULT_LOCALE));
  let engine: ImportEngine | undefined;
  let status: ImportSummary['status'] = 'failed';
  let failure: ImportSummary['failure'];
  recorder.startHeartbeat();
  try {
    engine = new ImportEngine({
      kind: KINDS[request.kind], source, mapping, context: await loadKindContext(),
      batchSize: request.batchSize ?? DEFAULT_BATCH_SIZE, dryRun: request.dryRun ?? false, resume,
      errorReport, errorReportPath: report.relative, signal: request.signal,
      commit: async (snapshot) => {
        await recorder.commit(snapshot);
        request.onProgress?.(progressOf({ ...snapshot, runId: String(runId), status: 'running', fileSize: file.size, startedAt }));
      },
    });
    status = await engine.run();
  } catch (error) {
    failure = error instanceof ImportFileError ? failureOf(error) : { code: 'internal_error', message: (error as Error).message };
  }
  await errorReport.close().catch(() => {});
  await source.close().catch(() => {});
  const snapshot = engine?.committed ?? emptySnapshot(resume);
  // Audited before the run is marked finished (server/import/audit.ts): a run whose entry could
  // not be written ends interrupted instead, so importing the file again resumes it and records it.
  if (status !== 'interrupted') {
    await auditImportRun({
      runId, kind: request.kind, fileName: file.fileName, dryRun: request.dryRun ?? false, startedBy: startedByOf(request), status,
      counts: snapshot.counts, resumeOf: resume?.resumeOf, resumedFromRow: resume?.fromRow, errorCount: snapshot.errorReport.count, failure,
    }).catch((error: unknown) => {
      status = 'interrupted';
      failure = { code: 'internal_error', message: `audit: ${(error as Error).message}` };
    });
  }
  await recorder.finish(status, snapshot, failure).catch(() => {});
  // Whatever the outcome: resuming means uploading the same file again (see retention.ts).
  if (file.uploaded) await rm(file.path, { force: true });
  // The home page's figures count what the import may have changed.
  if (snapshot.counts.inserted + snapshot.counts.updated > 0) await markRosterFiguresStale().catch(() => {});
  return summarise(prepared, snapshot, status, failure, startedAt, errorReport.written ? join(request.dataDir, report.relative) : undefined);
}

function emptySnapshot(resume: Resumption | undefined): Snapshot {
  const counts = { read: 0, rejected: 0, duplicates: 0, inserted: 0, updated: 0, unchanged: 0, ...resume?.carried };
  return { counts, bytesRead: 0, lastCommittedRow: resume?.fromRow ?? 0, errorReport: { count: 0 }, sampleErrors: [] };
}

function summarise(
  prepared: Prepared, snapshot: Snapshot, status: ImportSummary['status'], failure: ImportSummary['failure'],
  startedAt: Date, errorReportFile: string | undefined,
): ImportSummary {
  const { counts } = snapshot;
  return {
    runId: String(prepared.runId),
    status,
    counts,
    written: counts.inserted + counts.updated,
    unknownColumns: prepared.mapping.unknown,
    repeatedColumns: prepared.mapping.repeated,
    format: prepared.source.format,
    elapsedSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    ...(prepared.source.encoding ? { encoding: prepared.source.encoding } : {}),
    ...(errorReportFile ? { errorReport: { path: errorReportFile, count: snapshot.errorReport.count } } : {}),
    ...(failure ? { failure } : {}),
    ...(prepared.resume ? { resumedFromRow: prepared.resume.fromRow } : {}),
  };
}
