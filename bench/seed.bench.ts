// Seeding throughput: the demo-world loader (generation + Mongoose validation + idempotent
// ordered:false insert) for N entities, against a raw-driver insertMany of the same documents
// on the same server in the same run. N defaults to 100,000 (SEED_BENCH_ENTITIES overrides).
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../server/db/connect.js';
import { entityBatches } from '../server/demo/generate-world.js';
import { loadWorld } from '../server/demo/load-world.js';
import { MarketEntity } from '../models/index.js';
import { benchDatabase, peakRssMiB, printTable, timed } from './bench-kit.js';

const entities = Number(process.env.SEED_BENCH_ENTITIES ?? 100_000);
const options = { seed: 'bench', entities, inspectors: 100, asOf: '2026-11-27' };
const BATCH = 2000;

const db = await benchDatabase('bench_seed');
try {
  await connectDatabase(db.uri);
  await mongoose.connection.db!.dropDatabase();
  await connectDatabase(db.uri); // recreate indexes after the drop

  const ours = await timed(() => loadWorld(options));
  if (ours.result.entitiesInserted !== entities) throw new Error(`seeded ${ours.result.entitiesInserted} of ${entities}`);

  // Baseline: the very same documents, already generated, straight through the driver into a
  // collection with the same unique index.
  const raw = mongoose.connection.db!.collection('bench_raw_entities');
  await raw.createIndex({ creditCode: 1 }, { unique: true });
  let rawSeconds = 0;
  for (const batch of entityBatches(options, BATCH)) {
    const docs = batch.map((entity) => ({ ...entity, createdAt: new Date(), updatedAt: new Date() }));
    rawSeconds += (await timed(() => raw.insertMany(docs, { ordered: false }))).seconds;
  }
  const rawCount = await raw.countDocuments();
  const seededCount = await MarketEntity.countDocuments();

  // How much of the seeding time is generating the world (pure CPU), for reading the ratio.
  const generation = await timed(async () => {
    let n = 0;
    for (const batch of entityBatches(options, BATCH)) n += batch.length;
    return n;
  });

  const ourRate = entities / ours.seconds;
  const rawRate = entities / rawSeconds;
  printTable([
    { measure: 'seeding API (generate + defaults + insert)', entities: seededCount, seconds: ours.seconds.toFixed(1), 'entities/s': Math.round(ourRate) },
    { measure: '  of which: generating the documents', entities, seconds: generation.seconds.toFixed(1), 'entities/s': Math.round(entities / generation.seconds) },
    { measure: 'raw driver insertMany (baseline)', entities: rawCount, seconds: rawSeconds.toFixed(1), 'entities/s': Math.round(rawRate) },
  ]);
  console.log(`server: ${db.kind}; ratio seeding/raw throughput = ${(ourRate / rawRate).toFixed(2)} (1.00 = no overhead); peak RSS ${peakRssMiB()} MiB`);
  await mongoose.connection.db!.dropDatabase();
} finally {
  await disconnectDatabase();
  await db.stop();
}
