// Benchmark of the bulk import engine: a generated entity roster (1,000,000 rows by default;
// IMPORT_BENCH_ROWS overrides) as a GB18030 CSV, imported into a throwaway embedded database
// (the default kind, or EMBEDDED_DB) through startImport — rows/s and peak RSS (must stay
// under 1 GB) — then, in the same run, the same documents (generated again, Mongoose defaults
// applied) with the raw driver's insertMany in batches of the same size into a collection with
// the same indexes, and last the same file imported again (every row unchanged: target
// 10,000 rows/s). Ratio raw/engine time = engine throughput as a share of the raw driver's.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase } from '../server/db/connect.js';
import { startThrowawayServer, type EmbeddedServer } from '../server/db/embedded.js';
import { benchServerOptions, processCpuSeconds, serverPeakRssMiB } from './bench-kit.js';
import { entityBatches } from '../server/demo/generate-world.js';
import { progressLine, startImport } from '../server/import/index.js';
import { ENTITY_HEADER, entityRow, writeCsvFile } from '../test/helpers/sample-files.js';
import { MarketEntity } from '../models/index.js';

const ROWS = Number(process.env.IMPORT_BENCH_ROWS ?? 1_000_000);
const BATCH = 1000;
const RSS_LIMIT_MB = 1024;
const REIMPORT_TARGET = 10_000;
const mb = (bytes: number) => Math.round(bytes / 1048576);
const log = (message: string) => process.stdout.write(`${message}\n`);

/** Samples RSS every 100 ms: maxRSS is the kernel's peak, this one we can reset between phases. */
function rssSampler(): { peak(): number; stop(): void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

async function generateFile(dir: string): Promise<string> {
  const file = join(dir, `entities-${ROWS}.csv`);
  const started = Date.now();
  function* rows() {
    for (const batch of entityBatches({ seed: 'import-bench', entities: ROWS, asOf: '2026-11-27' }, BATCH)) {
      for (const entity of batch) yield entityRow(entity);
    }
  }
  await writeCsvFile(file, ENTITY_HEADER, rows(), { encoding: 'gb18030' });
  log(`generated ${ROWS.toLocaleString('en-US')} rows, ${mb((await stat(file)).size)} MB GB18030, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

async function engineImport(
  file: string,
  dataDir: string,
  expect: 'inserted' | 'unchanged',
): Promise<{ seconds: number; peakRss: number; maxRss: number }> {
  const sampler = rssSampler();
  const started = Date.now();
  let lastPrint = 0;
  const handle = await startImport({
    kind: 'entities', source: { path: file }, dataDir, batchSize: BATCH, user: { username: 'bench', via: 'cli' },
    onProgress: (progress) => {
      if (Date.now() - lastPrint < 15_000) return;
      lastPrint = Date.now();
      log(`  engine: ${progressLine(progress)} · rss ${mb(process.memoryUsage().rss)} MB`);
    },
  });
  const summary = await handle.done;
  const seconds = (Date.now() - started) / 1000;
  sampler.stop();
  if (summary.status !== 'completed' || summary.counts[expect] !== ROWS) {
    throw new Error(`engine import did not find every row ${expect}: ${JSON.stringify(summary)}`);
  }
  return { seconds, peakRss: sampler.peak(), maxRss: process.resourceUsage().maxRSS * 1024 };
}

/**
 * The same entities, generated again and given the model's defaults, inserted with the bare
 * driver (only insertMany timed). Not read back from the engine's collection: a find without
 * a limit makes mongo-java-server hold every matching document in its heap.
 */
async function rawInsert(): Promise<number> {
  const target = mongoose.connection.db!.collection('bench_raw_entities');
  for (const [fields, options] of MarketEntity.schema.indexes()) await target.createIndex(fields as never, options as never);
  let insertMs = 0;
  const now = new Date();
  for (const batch of entityBatches({ seed: 'import-bench', entities: ROWS, asOf: '2026-11-27' }, BATCH)) {
    const docs = batch.map((entity) => MarketEntity.applyDefaults({ ...entity, __v: 0, createdAt: now, updatedAt: now }) as mongoose.mongo.Document);
    const started = performance.now();
    await target.insertMany(docs, { ordered: false });
    insertMs += performance.now() - started;
  }
  return insertMs / 1000;
}

async function main(): Promise<number> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const dir = await mkdtemp(join(tmpdir(), 'shuangsuiji-import-bench-'));
  const server: EmbeddedServer = await startThrowawayServer(benchServerOptions(config));
  try {
    const file = await generateFile(dir);
    await connectDatabase(server.uri);
    log(`database: embedded ${server.kind}${process.env.BENCH_JAVA_DURABILITY ? ` (durability ${process.env.BENCH_JAVA_DURABILITY})` : ''}`);
    const engine = await engineImport(file, dir, 'inserted');
    log(`engine: ${ROWS.toLocaleString('en-US')} rows in ${engine.seconds.toFixed(1)} s = ${Math.round(ROWS / engine.seconds)} rows/s; peak RSS ${mb(engine.peakRss)} MB sampled, ${mb(engine.maxRss)} MB maxRSS`);
    const raw = await rawInsert();
    log(`raw driver insertMany (same documents, batches of ${BATCH}): ${raw.toFixed(1)} s = ${Math.round(ROWS / raw)} rows/s`);
    log(`ratio engine/raw throughput: ${(raw / engine.seconds).toFixed(2)} (1.00 = as fast as the bare driver; target >= 0.8)`);
    // The raw copy goes before the second import: the database then holds the roster alone, as
    // it would when an office imports its roster again.
    await mongoose.connection.db!.dropCollection('bench_raw_entities');
    const cpuBefore = { server: processCpuSeconds(server.pid), app: processCpuSeconds('self') };
    const again = await engineImport(file, dir, 'unchanged');
    const cpu = { server: processCpuSeconds(server.pid) - cpuBefore.server, app: processCpuSeconds('self') - cpuBefore.app };
    const againRate = Math.round(ROWS / again.seconds);
    log(`same file again (all ${ROWS.toLocaleString('en-US')} rows unchanged): ${again.seconds.toFixed(1)} s = ${againRate} rows/s (target >= ${REIMPORT_TARGET}): ${againRate >= REIMPORT_TARGET ? 'ok' : 'BELOW TARGET'}`);
    log(`  CPU during it: app ${cpu.app.toFixed(1)} s, database server ${cpu.server.toFixed(1)} s (the busier one bounds the rate)`);
    log(`database server peak RSS: ${serverPeakRssMiB(server.pid)} MiB`);
    const withinLimit = mb(Math.max(engine.maxRss, again.maxRss)) < RSS_LIMIT_MB;
    log(`app peak RSS ${mb(Math.max(engine.maxRss, again.maxRss))} MB ${withinLimit ? '<' : '>='} ${RSS_LIMIT_MB} MB: ${withinLimit ? 'ok' : 'OVER THE LIMIT'}`);
    return withinLimit ? 0 : 1;
  } finally {
    await disconnectDatabase();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
