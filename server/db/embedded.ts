// Owns the embedded database server: a MongoDB-protocol server run as a child process on
// loopback, data kept under the data directory and reused across restarts. Prefers a real
// mongod (MONGOD_BIN or on PATH); otherwise FerretDB 1.24.2 on SQLite, built once.
//
// Never an orphan: a tiny watchdog shell holds a pipe from this process and kills the server
// when the pipe closes, which happens however this process dies (even SIGKILL). A pid file
// lets the next start remove a server that outlived a crash anyway.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import mongoose from 'mongoose';
import { ensureFerretdbBinary, isAlive, ProvisionError, type Progress } from './ferretdb-build.js';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  cacheDir: string;
  dbName: string;
  mongodBin?: string | undefined;
  ferretdbBin?: string | undefined;
  progress?: Progress;
}

export interface EmbeddedServer {
  kind: 'mongod' | 'ferretdb';
  uri: string;
  pid: number;
  stop(): Promise<void>;
}

interface PidRecord {
  pid: number;
  kind: string;
  binary: string;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 8_000;

export async function startEmbeddedServer(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const progress = options.progress ?? (() => {});
  await mkdir(options.dataDir, { recursive: true });
  await removeStaleServer(options.dataDir, progress);
  await assertPortFree(options.port);

  const mongod = options.mongodBin ?? findOnPath('mongod');
  const kind = mongod ? 'mongod' : 'ferretdb';
  const binary = mongod ?? options.ferretdbBin ?? (await ensureFerretdbBinary(options.cacheDir, progress));
  const storage = join(options.dataDir, kind);
  await mkdir(storage, { recursive: true });
  const args = mongod ? mongodArgs(storage, options.port) : ferretdbArgs(storage, options.port);

  progress(`starting embedded ${kind} on 127.0.0.1:${options.port} (data in ${storage})`);
  const child = spawn(binary, args, {
    // Own process group: a Ctrl-C in the terminal reaches the app, which then stops the
    // server in order, instead of both racing.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DO_NOT_TRACK: '1' },
  });
  const output = collectOutput(child);
  const pid = await spawned(child, binary);
  const watchdog = startWatchdog(pid);
  await writePidFile(options.dataDir, { pid, kind, binary });

  const uri = `mongodb://127.0.0.1:${options.port}/${options.dbName}?directConnection=true`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      watchdog.kill('SIGKILL');
      await terminate(child);
      await rm(pidFilePath(options.dataDir), { force: true });
    })());

  try {
    await waitUntilReady(uri, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { kind, uri, pid, stop };
}

/** A server in a fresh temporary folder on a free port, removed on stop: for tests and benchmarks. */
export async function startThrowawayServer(
  options: Pick<EmbeddedOptions, 'cacheDir' | 'mongodBin' | 'ferretdbBin' | 'progress'> & { dbName?: string },
): Promise<EmbeddedServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-db-'));
  const server = await startEmbeddedServer({ ...options, dataDir, port: await freePort(), dbName: options.dbName ?? 'test' });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function ferretdbArgs(storage: string, port: number): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${storage}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--state-dir=-',
    '--telemetry=disable',
    '--log-level=warn',
    '--log-format=text',
  ];
}

function mongodArgs(storage: string, port: number): string[] {
  return ['--dbpath', storage, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'];
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The watchdog's `read` returns when our end of its stdin closes: on our exit, however abrupt. */
function startWatchdog(pid: number): ChildProcess {
  const watchdog = spawn('/bin/sh', ['-c', 'read -r _; kill -TERM "$0" 2>/dev/null', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => {}); // best effort: the pid file is the second line of defence
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

function collectOutput(child: ChildProcess): { text: () => string } {
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => tail };
}

function spawned(child: ChildProcess, binary: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) => reject(new ProvisionError(`cannot start ${binary}: ${error.message}`)));
  });
}

async function waitUntilReady(uri: string, child: ChildProcess, output: { text: () => string }): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const port = Number(new URL(uri).port);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ProvisionError(`the embedded database exited during start-up:\n${output.text()}`);
    }
    if (await canConnect(port)) {
      const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
      try {
        await client.db('admin').command({ ping: 1 });
        return;
      } catch {
        // not ready yet
      } finally {
        await client.close();
      }
    }
    await sleep(200);
  }
  throw new ProvisionError(`the embedded database did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${output.text()}`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const pidFilePath = (dataDir: string) => join(dataDir, 'embedded-db.pid');

async function writePidFile(dataDir: string, record: PidRecord): Promise<void> {
  await writeFile(pidFilePath(dataDir), JSON.stringify(record));
}

/** Stops a server left by a previous run that died before it could stop it. */
async function removeStaleServer(dataDir: string, progress: Progress): Promise<void> {
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(pidFilePath(dataDir), 'utf8')) as PidRecord;
  } catch {
    return;
  }
  if (isAlive(record.pid) && (await commandLineOf(record.pid)).includes(dataDir)) {
    progress(`stopping a stale embedded ${record.kind} (pid ${record.pid}) left by an earlier run`);
    process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(record.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  }
  await rm(pidFilePath(dataDir), { force: true });
}

async function commandLineOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function assertPortFree(port: number): Promise<void> {
  if (await canConnect(port)) {
    throw new ProvisionError(`port ${port} on 127.0.0.1 is already in use by another program; set EMBEDDED_DB_PORT to a free port.`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
