// The real entry point as a child process: configuration errors, the embedded database's
// lifecycle, graceful shutdown, crash recovery and MONGODB_URI. Slow-ish (each start is a
// few seconds), so the scenarios share one data directory where the story allows.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { freePort } from '../../server/db/embedded.js';
import { ensureFerretdbBinary } from '../../server/db/ferretdb-build.js';
import { ensureJavaServer } from '../../server/db/java-build.js';
import { embeddedPid, isRunning, killSpawnedApps, processesMentioning, spawnApp, waitReady, waitUntilGone } from '../helpers/app-process.js';
import { testDatabase } from '../helpers/test-db.js';

async function entityCount(baseUrl: string): Promise<number> {
  const html = await (await fetch(`${baseUrl}/`)).text();
  return Number(/data-stat="entities">(\d+)</.exec(html)?.[1]);
}

describe('the app process', function () {
  this.timeout(120_000);
  let parent: string;
  let dataDir: string;
  let dbPort: number;

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'shuangsuiji-app-'));
    // Not created here: the first start makes it, as `npm start` does in a fresh checkout.
    dataDir = join(parent, 'data');
    dbPort = await freePort();
  });
  afterEach(async () => {
    await killSpawnedApps();
  });
  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const embeddedEnv = () => ({
    DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort), DEMO_DATA: 'true', DEMO_ENTITIES: '120', NODE_ENV: 'development',
  });

  it('with an invalid variable, exits non-zero with one line naming it', async () => {
    const app = await spawnApp({ PORT: 'eighty', DATA_DIR: dataDir });
    const { code } = await app.exited();
    expect(code).to.equal(1);
    expect(app.output().trim().split('\n')).to.have.length(1);
    expect(app.output()).to.include('PORT is not a number');
  });

  it('in production without a session secret, exits non-zero naming SESSION_SECRET', async () => {
    const app = await spawnApp({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://127.0.0.1:1/x' });
    expect((await app.exited()).code).to.equal(1);
    expect(app.output().trim()).to.equal('Invalid configuration: SESSION_SECRET is required in production');
  });

  it('without Java, Go, mongod or MONGODB_URI, fails at start-up with one message naming every way out', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'shuangsuiji-nocache-'));
    const otherDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-noprereq-'));
    const app = await spawnApp({ ...embeddedEnv(), DATA_DIR: otherDir, PATH: '/nonexistent', CACHE_DIR: emptyCache, EMBEDDED_DB: '' });
    const { code } = await app.exited();
    await rm(emptyCache, { recursive: true, force: true });
    await rm(otherDir, { recursive: true, force: true });
    expect(code).to.equal(1);
    expect(app.output()).to.include('No embedded database server can be started here');
    expect(app.output()).to.include('Java 17+').and.include('Maven').and.include('Go 1.22+').and.include('EMBEDDED_DB=ferretdb');
    expect(app.output()).to.include('MONGOD_BIN').and.include('MONGODB_URI');
    expect(await processesMentioning(otherDir)).to.deep.equal([]);
  });

  it('starts the embedded database with demo data; SIGTERM → exit 0 within 10 s and no database process left', async () => {
    const app = await spawnApp(embeddedEnv());
    await waitReady(app);
    expect(await entityCount(app.baseUrl)).to.equal(120);
    const dbPid = await embeddedPid(dataDir);
    expect(isRunning(dbPid)).to.equal(true);
    const started = Date.now();
    app.child.kill('SIGTERM');
    const { code } = await app.exited();
    expect(code).to.equal(0);
    expect(Date.now() - started).to.be.lessThan(10_000);
    expect(isRunning(dbPid)).to.equal(false);
    expect(await processesMentioning(dataDir)).to.deep.equal([]);
  });

  it('after SIGKILL of the app, the database goes too; a restart finds all data and a free port', async () => {
    const app = await spawnApp(embeddedEnv());
    await waitReady(app);
    const dbPid = await embeddedPid(dataDir);
    app.child.kill('SIGKILL');
    await app.exited();
    expect(await waitUntilGone(dbPid, 5000), 'the watchdog stops the orphaned database').to.equal(true);

    const restarted = await spawnApp(embeddedEnv());
    await waitReady(restarted);
    expect(await entityCount(restarted.baseUrl), 'demo data kept, not loaded twice').to.equal(120);
    restarted.child.kill('SIGTERM');
    expect((await restarted.exited()).code).to.equal(0);
  });

  it('after SIGKILL of the app together with its watchdog, the database server stops by itself', async function () {
    const app = await spawnApp(embeddedEnv());
    await waitReady(app);
    const dbPid = await embeddedPid(dataDir);
    const { kind } = JSON.parse(await readFile(join(dataDir, 'embedded-db.pid'), 'utf8')) as { kind: string };
    // Only the Java launcher watches its parent; FerretDB and mongod rely on the watchdog alone.
    if (kind !== 'java') this.skip();
    // Everything the app started except the (detached) database server: the watchdog shell.
    const children = (await childrenOf(app.child.pid as number)).filter((pid) => pid !== dbPid);
    expect(children.length, 'the watchdog runs beside the app').to.be.greaterThan(0);
    for (const pid of [app.child.pid as number, ...children]) process.kill(pid, 'SIGKILL');
    await app.exited();
    expect(await waitUntilGone(dbPid, 8000), 'the orphaned server notices its parent is gone').to.equal(true);
  });

  it('a database server left running by a crashed run (pid file present, no live app) is stopped and replaced', async () => {
    // Recreate the worst case by hand: a server on the data directory and port that no watchdog
    // guards, and an app lock whose owner is dead.
    const stale = await spawnUnguardedServer(dataDir, dbPort);
    await writeFile(join(dataDir, 'app.lock'), JSON.stringify({ pid: 999_999, role: 'app', startedAt: new Date().toISOString() }));

    const app = await spawnApp(embeddedEnv());
    await waitReady(app);
    expect(await waitUntilGone(stale.pid as number, 1000)).to.equal(true);
    expect(await entityCount(app.baseUrl)).to.equal(120);
    app.child.kill('SIGTERM');
    expect((await app.exited()).code).to.equal(0);
  });

  it('with MONGODB_URI, uses that server and starts no database of its own', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-uri-'));
    const uri = testDatabase().uriFor(`uri_test_${process.pid}`);
    const app = await spawnApp({ MONGODB_URI: uri, DATA_DIR: otherDir, DEMO_DATA: 'true', DEMO_ENTITIES: '30', NODE_ENV: 'development' });
    try {
      await waitReady(app);
      expect(await entityCount(app.baseUrl)).to.equal(30);
      expect(await readdir(otherDir)).to.deep.equal([]);
      expect(await processesMentioning(otherDir)).to.deep.equal([]);
    } finally {
      app.child.kill('SIGTERM');
      expect((await app.exited()).code).to.equal(0);
      const { MongoClient } = (await import('mongoose')).default.mongo;
      const client = new MongoClient(uri);
      await client.db().dropDatabase();
      await client.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

/** A server of the kind the tests use, on the data directory, started without any watchdog. */
async function spawnUnguardedServer(dataDir: string, port: number) {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const kind = testDatabase().kind;
  let command: string;
  let args: string[];
  if (kind === 'ferretdb') {
    command = config.FERRETDB_BIN ?? (await ensureFerretdbBinary(config.CACHE_DIR));
    await mkdir(join(dataDir, 'ferretdb'), { recursive: true });
    args = [
      '--handler=sqlite', `--sqlite-url=file:${join(dataDir, 'ferretdb')}/`, `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-', '--state-dir=-', '--telemetry=disable', '--log-level=error',
    ];
  } else {
    const java = await ensureJavaServer(config.CACHE_DIR);
    command = java.java;
    args = ['-Xmx256m', '-cp', java.classpath, 'Launcher', '--file', join(dataDir, 'mongo-java-server', 'store.mv.db'), '--port', String(port)];
  }
  const stale = spawn(command, args, { stdio: 'ignore', env: { ...process.env, DO_NOT_TRACK: '1' } });
  await writeFile(join(dataDir, 'embedded-db.pid'), JSON.stringify({ pid: stale.pid, kind, binary: command }));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return stale;
}

/** Pids whose parent is `pid` (from /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}
