// Owns the test database: attaches to MONGODB_URI (in a database unique to this run, dropped
// at the end) or starts a throwaway embedded server in a temporary folder — the default kind,
// or the one EMBEDDED_DB names (CI runs the integration suite on mongo-java-server and on
// FerretDB). One per mocha run.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig } from '../../server/config.js';
import { connectDatabase, disconnectDatabase } from '../../server/db/connect.js';
import { startThrowawayServer, type EmbeddedKind, type EmbeddedServer } from '../../server/db/embedded.js';
import '../../models/index.js';

export interface TestDatabase {
  /** URI of the run's database. */
  uri: string;
  /** Builds a URI for another database on the same server (for apps spawned by tests). */
  uriFor(dbName: string): string;
  kind: 'external' | EmbeddedKind;
}

let embedded: EmbeddedServer | undefined;
let current: TestDatabase | undefined;

export function testDatabase(): TestDatabase {
  if (!current) throw new Error('the test database is not attached (root hook missing?)');
  return current;
}

function withDbName(uri: string, dbName: string): string {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

export async function attachTestDatabase(): Promise<TestDatabase> {
  const dbName = `test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  let baseUri: string;
  let kind: TestDatabase['kind'];
  if (external) {
    baseUri = external;
    kind = 'external';
  } else {
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    embedded = await startThrowawayServer({
      cacheDir: config.CACHE_DIR,
      kind: config.EMBEDDED_DB,
      mongodBin: config.MONGOD_BIN,
      ferretdbBin: config.FERRETDB_BIN,
      progress: (message) => process.stderr.write(`[test-db] ${message}\n`),
    });
    baseUri = embedded.uri;
    kind = embedded.kind;
    process.stderr.write(`[test-db] tests run against embedded ${embedded.kind} (pid ${embedded.pid})\n`);
  }
  current = { uri: withDbName(baseUri, dbName), uriFor: (name) => withDbName(baseUri, name), kind };
  await connectDatabase(current.uri);
  return current;
}

/** Empties every collection (keeping indexes) so each test starts from nothing. */
export async function clearCollections(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) return;
  for (const collection of await db.collections()) await collection.deleteMany({});
}

export async function detachTestDatabase(): Promise<void> {
  if (mongoose.connection.readyState === 1) await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
  await embedded?.stop();
  embedded = undefined;
  current = undefined;
}
