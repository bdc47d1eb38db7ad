// Owns the one-time builds' mutual exclusion: a lock folder holding the builder's pid, so that
// concurrent first runs (app, tests, benchmarks) wait for one build, and a lock left by a killed
// build is recognised as stale (owner dead, or implausibly old) and taken over.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_STALE_MS = 30 * 60 * 1000;

/**
 * Runs `build` unless `isBuilt` already holds, with at most one builder at a time across
 * processes; returns once the thing is built (by us or by whoever held the lock).
 */
export async function buildOnce(
  lockDir: string,
  isBuilt: () => Promise<boolean>,
  build: () => Promise<void>,
  onWait: () => void,
): Promise<void> {
  if (await isBuilt()) return;
  while (!(await tryLock(lockDir))) {
    if (await isBuilt()) return;
    onWait();
    await sleep(3000);
  }
  try {
    if (!(await isBuilt())) await build();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
