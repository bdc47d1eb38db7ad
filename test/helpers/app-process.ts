// Runs the real entry point (server/main.ts) as a child process, the way `npm start` does,
// for tests that need signals, restarts and process trees.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../server/db/embedded.js';
import { PROJECT_ROOT } from '../../server/paths.js';

export interface AppProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal name) and how long it took after the call. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills every app a test spawned and did not see exit (so a failed test leaks nothing). */
export async function killSpawnedApps(): Promise<void> {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  running.clear();
}

export async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'server', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...passedThrough(), LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited: () => exit };
}

/** The database choices of the test run reach the apps it spawns (CI runs the suite per server). */
function passedThrough(): Record<string, string> {
  const names = ['EMBEDDED_DB', 'CACHE_DIR', 'FERRETDB_BIN', 'MONGOD_BIN'] as const;
  return Object.fromEntries(names.filter((name) => process.env[name]).map((name) => [name, process.env[name] as string]));
}

/** Polls /readyz until 200; fails with the app's output if it exits or the time runs out. */
export async function waitReady(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`app exited early:\n${app.output()}`);
    try {
      const res = await fetch(`${app.baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`app not ready in ${timeoutMs} ms:\n${app.output()}`);
}

export async function embeddedPid(dataDir: string): Promise<number> {
  return (JSON.parse(await readFile(join(dataDir, 'embedded-db.pid'), 'utf8')) as { pid: number }).pid;
}

/** Waits until the pid file names a live server other than `previous` (after a restart). */
export async function waitForNewEmbeddedPid(dataDir: string, previous: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pid = await embeddedPid(dataDir).catch(() => previous);
    if (pid !== previous && isRunning(pid)) return pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no new embedded database server within ${timeoutMs} ms`);
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isRunning(pid);
}

/** Pids of processes whose command line mentions the text (e.g. a data directory). */
export async function processesMentioning(text: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
