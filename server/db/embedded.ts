// Owns the embedded database server: a MongoDB-protocol server run as a child process on
// loopback, its data under the data directory and reused across restarts. Which server:
// EMBEDDED_DB when set; else a real mongod (MONGOD_BIN or on PATH); else the kind whose data
// DATA_DIR already holds; else mongo-java-server (needs Java); else FerretDB (needs Go once).
//
// Never an orphan: a tiny watchdog shell holds a pipe from this process and kills the server
// when the pipe closes, which happens however this process dies (even SIGKILL). A pid file
// lets the next start remove a server that outlived a crash anyway (the caller holds the data
// directory's app lock, so a server named there is never a live app's).
//
// If the server dies under the app it is restarted, at most `maxRestarts` times within
// `windowMs`; past that `onGiveUp` is called (the app then exits non-zero for its supervisor).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import mongoose from 'mongoose';
import { isAlive, sleep } from './build-lock.js';
import { ensureFerretdbBinary, ferretdbBinaryPath } from './ferretdb-build.js';
import { ensureJavaServer } from './java-build.js';
import { ProvisionError, type Progress } from './provision.js';

export type EmbeddedKind = 'java' | 'ferretdb' | 'mongod';
export const EMBEDDED_KINDS: readonly EmbeddedKind[] = ['java', 'ferretdb', 'mongod'];

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  cacheDir: string;
  dbName: string;
  /** EMBEDDED_DB: which server; chosen automatically when absent. */
  kind?: EmbeddedKind | undefined;
  mongodBin?: string | undefined;
  ferretdbBin?: string | undefined;
  progress?: Progress;
  /** Where the supervision news goes (a crash, a restart, giving up); defaults to progress. */
  alert?: Progress;
  /** Restarts allowed within the window before giving up (default 3 within 5 minutes). */
  restarts?: { max: number; windowMs: number };
  /** Called once when the server died and the restart budget is spent (or a restart failed). */
  onGiveUp?: (reason: string) => void;
  /** mongo-java-server only: 'background' keeps H2's 1 s auto-commit (for measuring its cost). */
  javaDurability?: 'commit' | 'background';
  /** mongo-java-server only: the store's page cache in MB (default DEFAULT_JAVA_CACHE_MB). */
  javaCacheMb?: number;
  /**
   * mongo-java-server only: 'library' keeps the library's own unique-index maps (keys compared
   * by Java serialization), as stores written before the launcher's IndexKeyType are; only for
   * testing that such a store is migrated.
   */
  javaIndexKeys?: 'values' | 'library';
}

export interface EmbeddedServer {
  kind: EmbeddedKind;
  uri: string;
  /** The server's current pid (changes when it is restarted). */
  readonly pid: number;
  stop(): Promise<void>;
}

interface PidRecord {
  pid: number;
  kind: string;
  binary: string;
}

interface Launch {
  command: string;
  args: string[];
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 8_000;
const DEFAULT_RESTARTS = { max: 3, windowMs: 5 * 60_000 };
/** A pause before a restart: lets the port and file locks go, and the outage be seen (503) rather than flicker. */
const RESTART_DELAY_MS = 1000;
/** Bounded heap and store cache: county-scale data stays within about 1.3 GB of RSS. */
/**
 * The H2 store's page cache lives in the Java heap; the heap gets this much more for queries,
 * cursors and Netty buffers. The cache is what keeps indexed reads fast: re-importing 100,000
 * unchanged rows (one indexed read per row) took 16.9 s with 256 MB, 9.7 s with 1,024 MB.
 */
const JAVA_HEAP_BEYOND_CACHE_MB = 768;
export const DEFAULT_JAVA_CACHE_MB = 1024;

export async function startEmbeddedServer(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const progress = options.progress ?? (() => {});
  await mkdir(options.dataDir, { recursive: true });
  await removeStaleServer(options.dataDir, progress);
  await assertPortFree(options.port);

  const kind = await chooseKind(options, progress);
  const storage = join(options.dataDir, storageFolder(kind));
  await mkdir(storage, { recursive: true });
  const launch = await prepare(kind, storage, options, progress);
  const uri = `mongodb://127.0.0.1:${options.port}/${options.dbName}?directConnection=true`;

  progress(`starting embedded ${describeKind(kind)} on 127.0.0.1:${options.port} (data in ${storage})`);
  let running = await launchReady(launch, kind, options.dataDir, uri, progress);
  let stopping: Promise<void> | undefined;
  const restarts: number[] = [];
  const budget = options.restarts ?? DEFAULT_RESTARTS;
  const alert = options.alert ?? progress;

  const supervise = (server: RunningServer) => {
    server.child.once('exit', (code, signal) => {
      if (stopping) return;
      void recover(`the embedded ${describeKind(kind)} (pid ${server.pid}) exited unexpectedly (${signal ?? `code ${code}`})`);
    });
  };
  const recover = async (reason: string): Promise<void> => {
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] as number) < now - budget.windowMs) restarts.shift();
    if (restarts.length >= budget.max) {
      alert(`${reason}; restarted ${restarts.length} times within ${budget.windowMs / 60_000} min already: giving up`);
      options.onGiveUp?.(`${reason}, and ${restarts.length} restarts within ${budget.windowMs / 60_000} min did not keep it up`);
      return;
    }
    restarts.push(now);
    alert(`${reason}; restarting it (${restarts.length} of at most ${budget.max} within ${budget.windowMs / 60_000} min)`);
    running.watchdog.kill('SIGKILL');
    await sleep(RESTART_DELAY_MS);
    if (stopping) return;
    try {
      running = await launchReady(launch, kind, options.dataDir, uri, progress);
      alert(`embedded ${describeKind(kind)} is back (pid ${running.pid})`);
      supervise(running);
    } catch (error) {
      await recover(`restarting the embedded ${describeKind(kind)} failed: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  supervise(running);

  const stop = () =>
    (stopping ??= (async () => {
      running.watchdog.kill('SIGKILL');
      await terminate(running.child);
      await rm(pidFilePath(options.dataDir), { force: true });
    })());
  return {
    kind,
    uri,
    get pid() {
      return running.pid;
    },
    stop,
  };
}

/** A server in a fresh temporary folder on a free port, removed on stop: for tests and benchmarks. */
export async function startThrowawayServer(
  options: Pick<EmbeddedOptions, 'cacheDir' | 'mongodBin' | 'ferretdbBin' | 'progress' | 'kind' | 'javaDurability' | 'javaCacheMb' | 'restarts'> & {
    dbName?: string;
  },
): Promise<EmbeddedServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-db-'));
  try {
    const server = await startEmbeddedServer({ restarts: { max: 0, windowMs: 1 }, ...options, dataDir, port: await freePort(), dbName: options.dbName ?? 'test' });
    return {
      kind: server.kind,
      uri: server.uri,
      get pid() {
        return server.pid;
      },
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export function describeKind(kind: EmbeddedKind): string {
  return kind === 'java' ? 'mongo-java-server' : kind;
}

function storageFolder(kind: EmbeddedKind): string {
  return kind === 'java' ? 'mongo-java-server' : kind;
}

/** EMBEDDED_DB > mongod > the kind whose data is already here > Java > FerretDB > a clear refusal. */
async function chooseKind(options: EmbeddedOptions, progress: Progress): Promise<EmbeddedKind> {
  if (options.kind) return options.kind;
  if (options.mongodBin ?? findOnPath('mongod')) return 'mongod';
  const withData = EMBEDDED_KINDS.filter((kind) => hasFiles(join(options.dataDir, storageFolder(kind))));
  if (withData.length === 1 && withData[0] !== 'mongod') {
    const kind = withData[0] as EmbeddedKind;
    if (kind === 'ferretdb') {
      progress(
        `DATA_DIR holds a FerretDB database from an earlier version: keeping FerretDB so no data goes missing. ` +
          'Set EMBEDDED_DB=java (with a fresh DATA_DIR, or after copying the data over with mongodump/mongorestore) for the faster default.',
      );
    }
    return kind;
  }
  if (findOnPath('java')) return 'java';
  if (options.ferretdbBin || findOnPath('go') || existsSync(ferretdbBinaryPath(options.cacheDir))) return 'ferretdb';
  throw new ProvisionError('No embedded database server can be started here: neither Java nor Go nor mongod was found on PATH.');
}

async function prepare(kind: EmbeddedKind, storage: string, options: EmbeddedOptions, progress: Progress): Promise<Launch> {
  if (kind === 'mongod') {
    const mongod = options.mongodBin ?? findOnPath('mongod');
    if (!mongod) throw new ProvisionError('EMBEDDED_DB=mongod, but MONGOD_BIN is not set and there is no mongod on PATH.');
    return { command: mongod, args: ['--dbpath', storage, '--port', String(options.port), '--bind_ip', '127.0.0.1', '--quiet'] };
  }
  if (kind === 'ferretdb') {
    const binary = options.ferretdbBin ?? (await ensureFerretdbBinary(options.cacheDir, progress));
    return { command: binary, args: ferretdbArgs(storage, options.port) };
  }
  const server = await ensureJavaServer(options.cacheDir, progress);
  const cacheMb = options.javaCacheMb ?? DEFAULT_JAVA_CACHE_MB;
  return {
    command: server.java,
    args: [
      `-Xmx${cacheMb + JAVA_HEAP_BEYOND_CACHE_MB}m`, '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError', '-Xshare:auto',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.logFile=System.err',
      '-cp', server.classpath, 'Launcher',
      '--file', join(storage, 'store.mv.db'), '--host', '127.0.0.1', '--port', String(options.port),
      '--cache-mb', String(cacheMb), '--durability', options.javaDurability ?? 'commit',
      '--index-keys', options.javaIndexKeys ?? 'values',
    ],
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

interface RunningServer {
  child: ChildProcess;
  watchdog: ChildProcess;
  pid: number;
}

/** Spawns the server under a watchdog, records its pid, and waits until it answers a ping. */
async function launchReady(launch: Launch, kind: EmbeddedKind, dataDir: string, uri: string, progress: Progress): Promise<RunningServer> {
  const child = spawn(launch.command, launch.args, {
    // Own process group: a Ctrl-C in the terminal reaches the app, which then stops the
    // server in order, instead of both racing.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DO_NOT_TRACK: '1' },
  });
  const output = collectOutput(child, progress);
  const pid = await spawned(child, launch.command);
  const watchdog = startWatchdog(pid);
  await writeFile(pidFilePath(dataDir), JSON.stringify({ pid, kind, binary: launch.command } satisfies PidRecord));
  try {
    await waitUntilReady(uri, child, output);
  } catch (error) {
    watchdog.kill('SIGKILL');
    await terminate(child);
    await rm(pidFilePath(dataDir), { force: true });
    throw error;
  }
  return { child, watchdog, pid };
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
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

interface ServerOutput {
  text(): string;
  /** When the server last wrote anything (start-up work such as a store migration reports progress). */
  lastAt(): number;
}

/** Lines of the server's start-up work worth showing (mongo-java-server's one-time store migration). */
const START_UP_WORK = /^rebuil(ding|t) unique index /;

function collectOutput(child: ChildProcess, progress: Progress): ServerOutput {
  let tail = '';
  let lastAt = Date.now();
  let partialLine = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    lastAt = Date.now();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    const lines = (partialLine + chunk.toString()).split('\n');
    partialLine = (lines.pop() as string).slice(-4000);
    for (const line of lines) if (START_UP_WORK.test(line)) progress(line);
  });
  child.stderr?.on('data', keep);
  return { text: () => tail, lastAt: () => lastAt };
}

function spawned(child: ChildProcess, binary: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) => reject(new ProvisionError(`cannot start ${binary}: ${error.message}`)));
  });
}

/** Ready, or READY_TIMEOUT_MS without a word from the server (a long migration keeps reporting). */
async function waitUntilReady(uri: string, child: ChildProcess, output: ServerOutput): Promise<void> {
  const port = Number(new URL(uri).port);
  while (Date.now() < output.lastAt() + READY_TIMEOUT_MS) {
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
    await sleep(100);
  }
  throw new ProvisionError(`the embedded database did not answer and wrote nothing for ${READY_TIMEOUT_MS / 1000} s:\n${output.text()}`);
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

export const pidFilePath = (dataDir: string) => join(dataDir, 'embedded-db.pid');

/** The live server named by the pid file, if any. */
export async function runningServerPid(dataDir: string): Promise<number | undefined> {
  try {
    const { pid } = JSON.parse(await readFile(pidFilePath(dataDir), 'utf8')) as PidRecord;
    return isAlive(pid) && (await commandLineOf(pid)).includes(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a server left by a previous run that died before it could stop it. Only called by the
 * holder of the data directory's app lock: whatever the pid file names is nobody else's.
 */
async function removeStaleServer(dataDir: string, progress: Progress): Promise<void> {
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(pidFilePath(dataDir), 'utf8')) as PidRecord;
  } catch {
    return;
  }
  if (isAlive(record.pid) && (await commandLineOf(record.pid)).includes(dataDir)) {
    progress(`stopping a stale embedded ${record.kind} (pid ${record.pid}) left by an app that is gone`);
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
