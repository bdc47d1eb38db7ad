// The default embedded server's store format (server/db/java/Launcher.java): documents as BSON
// and unique-index keys compared as values. A store written the library's way (Java-serialized
// documents, index keys in Java-serialization order — every store made before the change) is
// opened by the new launcher: its indexes are rebuilt once, every document and key is found,
// uniqueness still holds, and a SIGKILL in the middle of that rebuild loses nothing.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../../server/config.js';
import { freePort, startEmbeddedServer, type EmbeddedOptions, type EmbeddedServer } from '../../server/db/embedded.js';
import { waitUntilGone } from '../helpers/app-process.js';
import { testDatabase } from '../helpers/test-db.js';

interface Thing {
  _id: number;
  code: string;
  dept: string;
  seq: number;
  name: string;
  tags: string[];
  at: Date;
  nested: { a: number; b: string | null };
}

const thing = (i: number): Thing => ({
  _id: i,
  code: `91430000${String(i).padStart(10, '0')}`,
  dept: `部门${i % 7}`,
  seq: Math.floor(i / 7),
  name: `主体名称 ${i} \u{20BB7}`,
  tags: [`t${i % 3}`, 'x'],
  at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  nested: { a: i / 3, b: i % 2 === 0 ? null : 'odd' },
});

describe('the default embedded server, opening a store written in the library format', function () {
  this.timeout(240_000);
  let dataDir: string;
  let options: EmbeddedOptions;
  const servers: EmbeddedServer[] = [];
  const clients: mongoose.mongo.MongoClient[] = [];

  before(function () {
    if (testDatabase().kind !== 'java') this.skip(); // only mongo-java-server has this store
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-store-format-'));
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    options = {
      dataDir, port: await freePort(), cacheDir: config.CACHE_DIR, dbName: 'format', kind: 'java',
      restarts: { max: 0, windowMs: 1 },
    };
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close(true);
    for (const server of servers.splice(0)) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function open(javaIndexKeys: 'values' | 'library') {
    const server = await startEmbeddedServer({ ...options, javaIndexKeys });
    servers.push(server);
    const client = new mongoose.mongo.MongoClient(server.uri);
    clients.push(client);
    return { server, things: client.db().collection<Thing>('things') };
  }

  async function close(server: EmbeddedServer) {
    for (const client of clients.splice(0)) await client.close(true);
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  }

  async function writeLibraryStore(count: number) {
    const { server, things } = await open('library');
    await things.createIndex({ code: 1 }, { unique: true });
    await things.createIndex({ dept: 1, seq: 1 }, { unique: true });
    for (let start = 0; start < count; start += 1000) {
      await things.insertMany(Array.from({ length: Math.min(1000, count - start) }, (_, i) => thing(start + i)));
    }
    return { server, things };
  }

  async function expectIntact(things: mongoose.mongo.Collection<Thing>, count: number) {
    expect(await things.countDocuments()).to.equal(count);
    const codes = Array.from({ length: count }, (_, i) => thing(i).code);
    let found = 0;
    for (let start = 0; start < count; start += 500) {
      const list = codes.slice(start, start + 500);
      const docs = await things.find({ code: { $in: list } }).toArray();
      for (const doc of docs) expect(doc).to.deep.equal(thing(doc._id));
      found += docs.length;
    }
    expect(found).to.equal(count);
    const sample = thing(Math.floor(count / 2));
    expect(await things.findOne({ dept: sample.dept, seq: sample.seq })).to.deep.equal(sample);
    const duplicateCode = await things.insertOne({ ...thing(count + 1), code: thing(3).code }).catch((error: { code?: number }) => error);
    expect((duplicateCode as { code?: number }).code).to.equal(11000);
    const duplicatePair = await things.insertOne({ ...thing(count + 2), dept: thing(5).dept, seq: thing(5).seq }).catch((error: { code?: number }) => error);
    expect((duplicatePair as { code?: number }).code).to.equal(11000);
    expect(await things.countDocuments()).to.equal(count);
  }

  it('rebuilds its unique indexes once and finds every document and key, uniqueness kept', async () => {
    const count = 3000;
    const { server } = await writeLibraryStore(count);
    await close(server);

    const migrated = await open('values');
    await expectIntact(migrated.things, count);
    // New writes go in the new format beside the old ones, and survive a restart.
    await migrated.things.insertOne(thing(count));
    await migrated.things.updateOne({ _id: 7 }, { $set: { name: '改名' } });
    await close(migrated.server);

    const again = await open('values');
    expect(await again.things.findOne({ code: thing(count).code })).to.deep.equal(thing(count));
    expect(await again.things.findOne({ code: thing(7).code })).to.deep.equal({ ...thing(7), name: '改名' });
    await again.things.deleteOne({ _id: count });
    await again.things.updateOne({ _id: 7 }, { $set: { name: thing(7).name } });
    await expectIntact(again.things, count);
  });

  it('loses nothing when the server is SIGKILLed before, during, between and after the rebuilds', async () => {
    const count = 55_000; // over 50,000 keys per index: the rebuild reports progress mid-map
    const { server } = await writeLibraryStore(count);
    await close(server);
    const original = `${dataDir}-library`;
    await cp(dataDir, original, { recursive: true });
    try {
      const kills: KillPoint[] = [
        { delayMs: 300 }, // in the JVM's start, before the rebuild
        { line: /^rebuilding unique index/, nth: 1 }, // inside the first index's copy
        { line: /^rebuilt unique index/, nth: 1 }, // one index replaced, the others not yet
        { line: /^rebuilt unique index/, nth: 3 }, // every index replaced, the store not yet marked
      ];
      for (const kill of kills) {
        await rm(dataDir, { recursive: true, force: true });
        await cp(original, dataDir, { recursive: true });
        const killed = await startAndKill(options, kill);
        expect(killed.landed, `the kill at ${JSON.stringify(kill)} landed during the start-up`).to.equal(true);
        expect(await waitUntilGone(killed.pid, 10_000)).to.equal(true);
        const recovered = await open('values');
        await expectIntact(recovered.things, count);
        await close(recovered.server);
      }
    } finally {
      await rm(original, { recursive: true, force: true });
    }
  });
});

type KillPoint = { delayMs: number } | { line: RegExp; nth: number };

/**
 * Starts the server and SIGKILLs it at the kill point: a delay after its process appears, or
 * the nth start-up line matching (the launcher's rebuild progress, relayed by embedded.ts).
 * `landed` is false if the server finished starting first (it is then stopped normally).
 */
async function startAndKill(options: EmbeddedOptions, at: KillPoint): Promise<{ pid: number; landed: boolean }> {
  let pid = 0;
  let seen = 0;
  let killedAt: Promise<void> | undefined;
  const kill = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let landed = true;
  const starting = startEmbeddedServer({
    ...options,
    progress: (line) => {
      if ('line' in at && at.line.test(line) && ++seen === at.nth) kill();
    },
  }).then(
    async (server) => {
      landed = false; // the start-up finished before the kill point
      await server.stop();
    },
    () => undefined, // killed during the start-up: the start fails, as it should
  );
  const began = Date.now();
  while (Date.now() - began < 20_000 && !pid) {
    pid = launcherPid(options.dataDir);
    if (!pid) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(pid, 'the server process').to.be.greaterThan(0);
  if ('delayMs' in at) killedAt = new Promise((resolve) => setTimeout(resolve, at.delayMs)).then(kill);
  await killedAt;
  await starting;
  return { pid, landed };
}

function launcherPid(dataDir: string): number {
  try {
    const out = execFileSync('pgrep', ['-f', `Launcher --file ${join(dataDir, 'mongo-java-server')}`], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[0]) || 0;
  } catch {
    return 0;
  }
}
