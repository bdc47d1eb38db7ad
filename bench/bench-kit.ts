// Small shared kit for benchmarks: a throwaway database server, a timer and a table printer.
import mongoose from 'mongoose';
import { readFileSync } from 'node:fs';
import { loadConfig, type Config } from '../server/config.js';
import { startThrowawayServer, type EmbeddedKind, type EmbeddedServer } from '../server/db/embedded.js';

/**
 * Options for a benchmark's throwaway server: EMBEDDED_DB (or the default kind, or `kind`),
 * and BENCH_JAVA_DURABILITY=background to measure what committing before acknowledging costs.
 */
export function benchServerOptions(config: Config, kind?: EmbeddedKind): Parameters<typeof startThrowawayServer>[0] {
  const durability = process.env.BENCH_JAVA_DURABILITY;
  return {
    cacheDir: config.CACHE_DIR, kind: kind ?? config.EMBEDDED_DB, javaCacheMb: config.EMBEDDED_DB_CACHE_MB, mongodBin: config.MONGOD_BIN, ferretdbBin: config.FERRETDB_BIN,
    ...(durability === 'background' || durability === 'commit' ? { javaDurability: durability } : {}),
    progress: (message) => console.error(`[bench-db] ${message}`),
  };
}

/** Peak resident memory of another process (the database server), from /proc. */
export function serverPeakRssMiB(pid: number): number | string {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** CPU time (user + system) a process has used so far, from /proc; 'self' for this one. */
export function processCpuSeconds(pid: number | 'self'): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
}

/**
 * MONGODB_URI when set (benchmarks then measure that server), else a throwaway embedded server:
 * the default kind, EMBEDDED_DB, or `kind` (e.g. to compare with FerretDB in the same run).
 */
export async function benchDatabase(
  dbName: string,
  kind?: EmbeddedKind,
): Promise<{ uri: string; kind: string; pid?: number; stop: () => Promise<void> }> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  if (config.MONGODB_URI) {
    const url = new URL(config.MONGODB_URI);
    url.pathname = `/${dbName}`;
    return { uri: url.toString(), kind: 'external', stop: async () => {} };
  }
  const server: EmbeddedServer = await startThrowawayServer({ ...benchServerOptions(config, kind), dbName });
  return { uri: server.uri, kind: server.kind, pid: server.pid, stop: () => server.stop() };
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
