// Owns the data directory's app lock: the one process that runs the embedded database on a
// DATA_DIR says so in DATA_DIR/app.lock (pid, http address, start time, process start tick).
// A second start while that process lives is refused with a message naming it, so it can never
// take the first one's database away; a lock whose process is gone is stale and replaced.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, sleep } from './build-lock.js';

export interface LockOwner {
  pid: number;
  /** What holds it: the app (with its http address) or a command-line tool. */
  role: 'app' | 'tool';
  http?: string;
  command?: string;
  startedAt: string;
  /** /proc start time of the process, so that a recycled pid is not taken for the owner. */
  startTicks?: string;
}

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    const who = owner.role === 'app'
      ? `a running app (pid ${owner.pid}${owner.http ? `, serving ${owner.http}` : ''}, started ${owner.startedAt})`
      : `a running command-line tool (pid ${owner.pid}${owner.command ? `, ${owner.command}` : ''}, started ${owner.startedAt})`;
    super(
      `DATA_DIR ${dataDir} is in use by ${who}. Two apps cannot share one embedded database: stop that one first ` +
        `(kill -TERM ${owner.pid}), or give this one another DATA_DIR and EMBEDDED_DB_PORT.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export const appLockPath = (dataDir: string) => join(dataDir, 'app.lock');

/** Takes the lock or throws DataDirInUseError; `release` removes it (only if still ours). */
export async function acquireAppLock(
  dataDir: string,
  owner: Pick<LockOwner, 'role' | 'http' | 'command'>,
): Promise<{ release: () => Promise<void> }> {
  const path = appLockPath(dataDir);
  // A fresh checkout has no data folder yet: the lock is the first thing written there.
  await mkdir(dataDir, { recursive: true });
  const record: LockOwner = { pid: process.pid, ...owner, startedAt: new Date().toISOString(), startTicks: await startTicksOf(process.pid) };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(JSON.stringify(record));
      await handle.close();
      return { release: () => releaseIfOurs(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readOwner(path);
    if (current && (await ownerAlive(current))) throw new DataDirInUseError(dataDir, current);
    if (!current) {
      await sleep(100); // possibly being written right now: look again before calling it stale
      const again = await readOwner(path);
      if (again && (await ownerAlive(again))) throw new DataDirInUseError(dataDir, again);
    }
    await rm(path, { force: true }); // its owner is gone: stale
  }
  throw new Error(`could not take ${path}: it keeps changing (several starts at once?)`);
}

/** The live owner of DATA_DIR's lock, if any. */
export async function lockOwner(dataDir: string): Promise<LockOwner | undefined> {
  const owner = await readOwner(appLockPath(dataDir));
  return owner && (await ownerAlive(owner)) ? owner : undefined;
}

async function releaseIfOurs(path: string): Promise<void> {
  const current = await readOwner(path);
  if (current?.pid === process.pid) await rm(path, { force: true });
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return Number.isInteger(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function ownerAlive(owner: LockOwner): Promise<boolean> {
  if (owner.pid === process.pid || !isAlive(owner.pid)) return false;
  if (!owner.startTicks) return true;
  const ticks = await startTicksOf(owner.pid);
  return ticks === undefined || ticks === owner.startTicks;
}

/** Field 22 of /proc/<pid>/stat (start time since boot), or undefined without /proc. */
async function startTicksOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
