// Owns how long import files are kept (README: Bulk import → Retention):
// - an uploaded file is deleted as soon as its run ends, whatever the outcome, and at once when
//   the upload is refused (a resumption is started by uploading the same file again: its
//   SHA-256 names the interrupted run, so the bytes need not be kept in between);
// - what a killed process left behind is removed by the hourly `purge-import-files` job:
//   uploads and partial uploads older than UPLOAD_RETENTION_MS that no live run reads, and
//   checked XLSX copies in the temporary folder older than that;
// - error reports are kept ERROR_REPORT_RETENTION_MS after their run started, then deleted
//   (the run's page then says the report has expired).
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportRun } from '../../models/import-run.js';
import { isLive } from './run-store.js';
import { uploadsDir } from './stored-file.js';
import { CHECKED_COPY_PREFIX } from './xlsx-source.js';

export const UPLOAD_RETENTION_MS = 24 * 3_600_000;
export const ERROR_REPORT_RETENTION_MS = 30 * 86_400_000;

export interface PurgeOutcome {
  uploads: number;
  errorReports: number;
  checkedCopies: number;
}

export async function purgeImportFiles(dataDir: string, now = new Date()): Promise<PurgeOutcome> {
  return {
    uploads: await purgeUploads(dataDir, now),
    errorReports: await purgeOlderThan(join(dataDir, 'imports'), now, ERROR_REPORT_RETENTION_MS, (name) => name.endsWith('-errors.csv')),
    checkedCopies: await purgeOlderThan(tmpdir(), now, UPLOAD_RETENTION_MS, (name) => name.startsWith(CHECKED_COPY_PREFIX)),
  };
}

async function purgeUploads(dataDir: string, now: Date): Promise<number> {
  const dir = uploadsDir(dataDir);
  const running = await ImportRun.find({ status: 'running' }, { filePath: 1, status: 1, heartbeatAt: 1, host: 1, pid: 1 }).lean();
  const inUse = new Set(running.filter((run) => isLive(run, now)).map((run) => run.filePath));
  return purgeOlderThan(dir, now, UPLOAD_RETENTION_MS, (name) => !inUse.has(join(dir, name)));
}

/** Deletes the files of `dir` that `matches` selects and whose last change is older than `maxAgeMs`. */
async function purgeOlderThan(dir: string, now: Date, maxAgeMs: number, matches: (name: string) => boolean): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // nothing was ever stored there
  }
  let removed = 0;
  for (const name of names.filter(matches)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || now.getTime() - info.mtimeMs < maxAgeMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}
