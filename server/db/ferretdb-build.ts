// Owns the one-time build of FerretDB 1.24.2 from the Go module proxy into a cache folder
// outside the work tree. The plain `go install` produces a binary that panics at start-up
// because build/version/version.txt is git-ignored upstream (FerretDB issue #2982), so we copy
// the module, write that file, then build. Idempotent, safe against concurrent callers (a
// lock folder), atomic (build to a temporary name, then rename).
import { spawn } from 'node:child_process';
import { access, cp, mkdir, readFile, rename, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;
const LOCK_STALE_MS = 30 * 60 * 1000;

export class ProvisionError extends Error {
  constructor(message: string) {
    super(
      `${message}\nThe embedded database needs one of: (1) Go 1.22+ on PATH to build FerretDB ${FERRETDB_VERSION} once, ` +
        '(2) MONGOD_BIN pointing at a mongod binary, or (3) MONGODB_URI pointing at a running MongoDB.',
    );
    this.name = 'ProvisionError';
  }
}

export type Progress = (message: string) => void;

export function ferretdbBinaryPath(cacheDir: string): string {
  return join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/** Returns the path of a runnable FerretDB binary, building it first if the cache lacks one. */
export async function ensureFerretdbBinary(cacheDir: string, progress: Progress = () => {}): Promise<string> {
  const binary = ferretdbBinaryPath(cacheDir);
  if (await isExecutable(binary)) return binary;
  const lockDir = `${binary}.lock`;
  await mkdir(join(cacheDir, `ferretdb-${FERRETDB_VERSION}`), { recursive: true });
  while (!(await tryLock(lockDir))) {
    if (await isExecutable(binary)) return binary;
    progress('another process is building FerretDB; waiting for it…');
    await sleep(3000);
  }
  try {
    if (await isExecutable(binary)) return binary;
    await build(binary, progress);
    return binary;
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
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

/** Runs a command, streaming stderr lines to onLine; resolves with stdout. */
function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
  onLine: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) onLine(line);
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new ProvisionError(`"${command}" is not installed or not on PATH.`) : error),
    );
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new ProvisionError(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail}`)),
    );
  });
}

async function tryLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (await isStaleLock(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      return tryLock(lockDir);
    }
    return false;
  }
}

/** A lock is stale when its owner died (e.g. a killed first run) or it is implausibly old. */
async function isStaleLock(lockDir: string): Promise<boolean> {
  try {
    const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) return true;
    return Date.now() - (await stat(lockDir)).mtimeMs > LOCK_STALE_MS;
  } catch {
    return true;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  await run('chmod', ['-R', 'u+w', dir], { env: process.env }, () => {});
  await chmod(dir, 0o755);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
