// Small shared kit for benchmarks: a throwaway database server, a timer and a table printer.
import mongoose from 'mongoose';
import { loadConfig } from '../server/config.js';
import { startThrowawayServer, type EmbeddedServer } from '../server/db/embedded.js';

/** MONGODB_URI when set (benchmarks then measure that server), else a throwaway FerretDB. */
export async function benchDatabase(dbName: string): Promise<{ uri: string; kind: string; stop: () => Promise<void> }> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  if (config.MONGODB_URI) {
    const url = new URL(config.MONGODB_URI);
    url.pathname = `/${dbName}`;
    return { uri: url.toString(), kind: 'external', stop: async () => {} };
  }
  const server: EmbeddedServer = await startThrowawayServer({
    cacheDir: config.CACHE_DIR, mongodBin: config.MONGOD_BIN, ferretdbBin: config.FERRETDB_BIN, dbName,
    progress: (message) => console.error(`[bench-db] ${message}`),
  });
  return { uri: server.uri, kind: server.kind, stop: () => server.stop() };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB
}

export function printTable(rows: Record<string, string | number>[]): void {
  console.table(rows);
}

export async function dropDatabase(): Promise<void> {
  await mongoose.connection.db?.dropDatabase();
}
