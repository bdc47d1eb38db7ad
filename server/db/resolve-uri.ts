// Owns deciding which database the app and its command-line tools talk to: MONGODB_URI when
// set; otherwise the embedded server under DATA_DIR — started here (and stopped by the given
// Shutdown), or, for a tool run beside a running app, that app's server reused as it is.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { Shutdown } from '../shutdown.js';
import { connectDatabase, disconnectDatabase } from './connect.js';
import { startEmbeddedServer } from './embedded.js';

export const EMBEDDED_DB_NAME = 'shuangsuiji';

export interface ResolveOptions {
  /**
   * Use an embedded server another process (the running app) already owns instead of starting
   * one — starting one would first stop that "stale" server. For tools, never for the app.
   */
  reuseRunning?: boolean;
}

export async function resolveDatabaseUri(config: Config, shutdown: Shutdown, logger: Logger, options: ResolveOptions = {}): Promise<string> {
  if (config.MONGODB_URI) {
    logger.info('using the database at MONGODB_URI');
    return config.MONGODB_URI;
  }
  if (options.reuseRunning && (await embeddedServerRunning(config.dataDir))) {
    logger.info('using the embedded database of the running app');
    return `mongodb://127.0.0.1:${config.EMBEDDED_DB_PORT}/${EMBEDDED_DB_NAME}?directConnection=true`;
  }
  const embedded = await startEmbeddedServer({
    dataDir: config.dataDir,
    port: config.EMBEDDED_DB_PORT,
    cacheDir: config.CACHE_DIR,
    dbName: EMBEDDED_DB_NAME,
    mongodBin: config.MONGOD_BIN,
    ferretdbBin: config.FERRETDB_BIN,
    progress: (message) => logger.info({ component: 'embedded-db' }, message),
  });
  shutdown.register('embedded database', () => embedded.stop());
  return embedded.uri;
}

/** The pid file server/db/embedded.ts writes names a live process. */
async function embeddedServerRunning(dataDir: string): Promise<boolean> {
  try {
    const { pid } = JSON.parse(await readFile(join(dataDir, 'embedded-db.pid'), 'utf8')) as { pid: number };
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * For command-line tools: connects to the app's database (reusing a running app's embedded
 * server, or starting one for the duration), with progress on stderr. `close` undoes it all.
 */
export async function openToolDatabase(config: Config): Promise<{ close: () => Promise<void> }> {
  // Which database, and the embedded server's first-run build, are worth a line on stderr;
  // the shutdown steps are not.
  const logger = pino({ level: 'info' }, pretty({ destination: 2, sync: true, colorize: false, ignore: 'pid,hostname,time,component,level' }));
  const shutdown = new Shutdown(pino({ level: 'warn' }, pino.destination(2)));
  try {
    await connectDatabase(await resolveDatabaseUri(config, shutdown, logger, { reuseRunning: true }));
  } catch (error) {
    await shutdown.run('connection failed');
    throw error;
  }
  shutdown.register('database connection', () => disconnectDatabase());
  return { close: () => shutdown.run('tool finished') };
}
