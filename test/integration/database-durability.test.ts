// The embedded database server itself (the kind the tests run on) SIGKILLed right after a burst
// of acknowledged writes: after a restart on the same files, every acknowledged write is there.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../../server/config.js';
import { freePort, startEmbeddedServer, type EmbeddedOptions } from '../../server/db/embedded.js';
import { waitUntilGone } from '../helpers/app-process.js';
import { testDatabase } from '../helpers/test-db.js';

describe('the embedded database server, SIGKILLed right after acknowledged writes', function () {
  this.timeout(120_000);
  let dataDir: string;

  before(function () {
    if (testDatabase().kind === 'external') this.skip(); // MONGODB_URI: no embedded server in this run
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-durability-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses none of them: single inserts, bulk inserts, updates and deletes are all found after a restart', async () => {
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const kind = testDatabase().kind;
    const options: EmbeddedOptions = {
      dataDir, port: await freePort(), cacheDir: config.CACHE_DIR, dbName: 'durability', kind: kind === 'external' ? undefined : kind,
      mongodBin: config.MONGOD_BIN, ferretdbBin: config.FERRETDB_BIN, restarts: { max: 0, windowMs: 1 },
    };
    const server = await startEmbeddedServer(options);
    const client = new mongoose.mongo.MongoClient(server.uri);
    const things = client.db().collection<{ _id: number; n: number; batch?: number }>('acknowledged');
    // A burst from several concurrent writers, as the app's requests would send them.
    const singles = Array.from({ length: 600 }, (_, i) => i);
    await Promise.all(
      [0, 1, 2, 3].map(async (writer) => {
        for (const i of singles.filter((n) => n % 4 === writer)) await things.insertOne({ _id: i, n: 0 });
      }),
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        things.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: 10_000 + b * 100 + i, n: 0, batch: b }))),
      ),
    );
    await Promise.all(singles.filter((i) => i % 3 === 0).map((i) => things.updateOne({ _id: i }, { $set: { n: 1 } })));
    await things.deleteMany({ _id: { $in: [1, 2, 4, 5] } });
    await things.insertOne({ _id: -1, n: 42 }); // the last acknowledged write before the kill

    process.kill(server.pid, 'SIGKILL');
    expect(await waitUntilGone(server.pid, 5000)).to.equal(true);
    await client.close(true);
    await server.stop();

    const restarted = await startEmbeddedServer(options);
    const again = new mongoose.mongo.MongoClient(restarted.uri);
    try {
      const reread = again.db().collection<{ _id: number; n: number }>('acknowledged');
      expect(await reread.countDocuments()).to.equal(600 + 1000 - 4 + 1);
      expect(await reread.countDocuments({ n: 1 })).to.equal(singles.filter((i) => i % 3 === 0 && ![1, 2, 4, 5].includes(i)).length);
      expect(await reread.findOne({ _id: -1 })).to.deep.equal({ _id: -1, n: 42 });
      expect(await reread.countDocuments({ _id: { $in: [1, 2, 4, 5] } })).to.equal(0);
    } finally {
      await again.close();
      await restarted.stop();
    }
  });
});
