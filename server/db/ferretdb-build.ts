// Owns the one-time build of FerretDB 1.24.2 from the Go module proxy into a cache folder
// outside the work tree. The plain `go install` produces a binary that panics at start-up
// because build/version/version.txt is git-ignored upstream (FerretDB issue #2982), so we copy
// the module, write that file, then build. Idempotent, safe against concurrent callers (a
// lock folder), atomic (build to a temporary name, then rename).
import { access, cp, mkdir, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { buildOnce } from './build-lock.js';
import { ProvisionError, run, type Progress } from './provision.js';

export { ProvisionError, type Progress } from './provision.js';
export { isAlive } from './build-lock.js';

export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;

export function ferretdbBinaryPath(cacheDir: string): string {
  return join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/** Returns the path of a runnable FerretDB binary, building it first if the cache lacks one. */
export async function ensureFerretdbBinary(cacheDir: string, progress: Progress = () => {}): Promise<string> {
  const binary = ferretdbBinaryPath(cacheDir);
  await mkdir(join(cacheDir, `ferretdb-${FERRETDB_VERSION}`), { recursive: true });
  await buildOnce(`${binary}.lock`, () => isExecutable(binary), () => build(binary, progress), () =>
    progress('another process is building FerretDB; waiting for it…'),
  );
  return binary;
}

async function build(binary: string, progress: Progress): Promise<void> {
  const started = Date.now();
  progress(`building FerretDB ${FERRETDB_VERSION} with Go (one time only; about 3 minutes on 2 cores)…`);
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
  const download = await run('go', ['mod', 'download', '-json', MODULE], { env }, () => {});
  const moduleDir = (JSON.parse(download) as { Dir?: string }).Dir;
  if (!moduleDir) throw new ProvisionError(`go mod download ${MODULE} did not report a module folder`);
  const scratch = `${binary}.src-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await cp(moduleDir, scratch, { recursive: true });
  await makeWritable(scratch);
  await writeFile(join(scratch, 'build', 'version', 'version.txt'), FERRETDB_VERSION);
  let compiled = 0;
  let lastReport = Date.now();
  const temporary = `${binary}.tmp-${process.pid}`;
  try {
    await run('go', ['build', '-v', '-trimpath', '-o', temporary, './cmd/ferretdb'], { env, cwd: scratch }, (line) => {
      compiled += 1;
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        progress(`…compiled ${compiled} Go packages (${Math.round((Date.now() - started) / 1000)} s)`);
      }
      void line;
    });
    await rename(temporary, binary);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(temporary, { force: true });
  }
  progress(`FerretDB built in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function makeWritable(dir: string): Promise<void> {
  // Module-cache files are read-only; the scratch copy must accept version.txt and later rm.
  await run('chmod', ['-R', 'u+w', dir], {});
  await chmod(dir, 0o755);
}

