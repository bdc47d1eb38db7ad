// Owns deciding which database the app and its command-line tools talk to: MONGODB_URI when
// set; otherwise the embedded server under DATA_DIR — started here under the data directory's
// app lock (and stopped by the given Shutdown), or, for a tool run beside a running app, that
// app's server reused as it is.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { Shutdown } from '../shutdown.js';
import { acquireAppLock, lockOwner, type LockOwner } from './app-lock.js';
import { connectDatabase, disconnectDatabase } from './connect.js';
import { runningServerPid, startEmbeddedServer } from './embedded.js';

export const EMBEDDED_DB_NAME = 'shuangsuiji';

export interface ResolveOptions {
  /** Who takes the data directory's lock: the app (with its http address) or a tool. */
  owner: Pick<LockOwner, 'role' | 'http' | 'command'>;
  /**
   * Use an embedded server another process (the running app) already owns instead of starting
   * one. For tools, never for the app: a second app on the same DATA_DIR is refused.
   */
  reuseRunning?: boolean;
  /** The embedded server died and could not be kept up (see server/db/embedded.ts). */
  onGiveUp?: (reason: string) => void;
}

export async function resolveDatabaseUri(config: Config, shutdown: Shutdown, logger: Logger, options: ResolveOptions): Promise<string> {
  if (config.MONGODB_URI) {
    logger.info('using the database at MONGODB_URI');
    return config.MONGODB_URI;
  }
  if (options.reuseRunning && (await lockOwner(config.dataDir)) && (await runningServerPid(config.dataDir))) {
    logger.info('using the embedded database of the running app');
    return `mongodb://127.0.0.1:${config.EMBEDDED_DB_PORT}/${EMBEDDED_DB_NAME}?directConnection=true`;
  }
  const lock = await acquireAppLock(config.dataDir, options.owner);
  // Registered first, so released last: after the server it protects has stopped.
  shutdown.register('data directory lock', () => lock.release());
  const embedded = await startEmbeddedServer({
    dataDir: config.dataDir,
    port: config.EMBEDDED_DB_PORT,
    cacheDir: config.CACHE_DIR,
    dbName: EMBEDDED_DB_NAME,
    kind: config.EMBEDDED_DB,
    mongodBin: config.MONGOD_BIN,
    ferretdbBin: config.FERRETDB_BIN,
    javaCacheMb: config.EMBEDDED_DB_CACHE_MB,
    progress: (message) => logger.info({ component: 'embedded-db' }, message),
    alert: (message) => logger.warn({ component: 'embedded-db' }, message),
    ...(options.onGiveUp ? { onGiveUp: options.onGiveUp } : {}),
  });
  shutdown.register('embedded database', () => embedded.stop());
  return embedded.uri;
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
  const command = process.argv.slice(1).map((arg) => arg.split('/').pop()).join(' ');
  try {
    const uri = await resolveDatabaseUri(config, shutdown, logger, { owner: { role: 'tool', command }, reuseRunning: true });
    await connectDatabase(uri);
  } catch (error) {
    await shutdown.run('connection failed');
    throw error;
  }
  shutdown.register('database connection', () => disconnectDatabase());
  return { close: () => shutdown.run('tool finished') };
}
