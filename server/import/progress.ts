// Owns the progress view of a run — counts, rate and ETA — computed the same way for the
// callback during an import and for the web page that polls the ImportRun document. The ETA
// comes from bytes read against the file size (row counts are unknown until the end).
import type { ImportCounts, ImportStatus } from '../../models/import-run.js';

export interface ImportProgress {
  runId: string;
  status: ImportStatus;
  counts: ImportCounts;
  /** inserted + updated. */
  written: number;
  bytesRead: number;
  fileSize: number;
  /** 0–100, from bytes. */
  percent: number;
  /** Rows read (validated, and written where needed) per second by this attempt. */
  rowsPerSecond: number;
  /** Undefined until there is enough to estimate from, and once finished. */
  etaSeconds: number | undefined;
  elapsedSeconds: number;
  lastCommittedRow: number;
}

export interface ProgressInput {
  runId: string;
  status: ImportStatus;
  counts: ImportCounts;
  bytesRead: number;
  fileSize: number;
  lastCommittedRow: number;
  startedAt: Date;
  now?: Date;
}

export function progressOf(input: ProgressInput): ImportProgress {
  const now = input.now ?? new Date();
  const elapsed = Math.max(0.001, (now.getTime() - input.startedAt.getTime()) / 1000);
  const fraction = input.fileSize > 0 ? Math.min(1, input.bytesRead / input.fileSize) : 1;
  const running = input.status === 'running';
  const { counts } = input;
  return {
    runId: input.runId,
    status: input.status,
    counts,
    written: counts.inserted + counts.updated,
    bytesRead: input.bytesRead,
    fileSize: input.fileSize,
    percent: Math.round(fraction * 1000) / 10,
    rowsPerSecond: Math.round(counts.read / elapsed),
    etaSeconds: running && fraction > 0.001 && fraction < 1 ? Math.round((elapsed * (1 - fraction)) / fraction) : undefined,
    elapsedSeconds: Math.round(elapsed * 10) / 10,
    lastCommittedRow: input.lastCommittedRow,
  };
}

/** One line for a terminal: "42.0% · 420,000 rows · written 410,000 · rejected 3 · 5,120 rows/s · ETA 1m 53s". */
export function progressLine(progress: ImportProgress): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const parts = [
    `${progress.percent.toFixed(1)}%`,
    `${n(progress.counts.read)} rows`,
    `written ${n(progress.written)}`,
    `unchanged ${n(progress.counts.unchanged)}`,
    `rejected ${n(progress.counts.rejected)}`,
    `${n(progress.rowsPerSecond)} rows/s`,
  ];
  if (progress.etaSeconds !== undefined) parts.push(`ETA ${duration(progress.etaSeconds)}`);
  return parts.join(' · ');
}

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
