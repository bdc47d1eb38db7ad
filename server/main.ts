// The one entry point: config → database → demo data → app → listen → scheduler, and a
// graceful shutdown on SIGTERM/SIGINT that undoes each step once, in reverse order.
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { Shutdown } from './shutdown.js';
import { resolveDatabaseUri } from './db/resolve-uri.js';
import { connectDatabase, disconnectDatabase } from './db/connect.js';
import { onAvailabilityChange } from './db/availability.js';
import { loadDefaults, loadDemoWorldOnce } from './demo/load-world.js';
import { createDemoUsersOnce, formatDemoCredentials } from './demo/demo-users.js';
import { resolveSessionSecret } from './auth/session-secret.js';
import { createApp } from './app.js';
import { startScheduler } from '../jobs/scheduler.js';
import { scheduledJobs } from '../jobs/index.js';
import { drawSettingsFrom } from './plans/settings.js';
import { inspectionSettingsFrom } from './inspections/settings.js';
import { workingCalendar } from './calendar/calendar-store.js';
import { todayIn } from './time.js';
import { chainLegacyEvents, chainHead } from './audit/chain.js';
import '../models/index.js';

const SHUTDOWN_DEADLINE_MS = 9_000;
export const DEMO_SEED = 'hongjiang-demo-2026';

async function boot(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  const shutdown = new Shutdown(logger);
  const stop = installProcessHandlers(shutdown, logger);
  try {
    await start(config, logger, shutdown, (reason) => {
      // The embedded database could not be kept up: exit non-zero so that a supervisor
      // (systemd, a container runtime, pm2) restarts the whole app.
      logger.fatal({ reason }, 'the embedded database is gone for good; exiting with status 1');
      stop('embedded database lost', 1);
    });
  } catch (error) {
    // Undo what did start (e.g. the embedded database) before reporting the failure.
    await shutdown.run('start-up failed');
    throw error;
  }
}

async function start(config: Config, logger: Logger, shutdown: Shutdown, onDatabaseLost: (reason: string) => void): Promise<void> {
  const uri = await resolveDatabaseUri(config, shutdown, logger, {
    owner: { role: 'app', http: `http://${config.HOST}:${config.PORT}/` },
    onGiveUp: onDatabaseLost,
  });
  await connectDatabase(uri);
  shutdown.register('database connection', () => disconnectDatabase());
  const stopLogging = onAvailabilityChange((up) =>
    up ? logger.info('the database is reachable again: serving pages') : logger.error('the database is unreachable: pages and API calls answer 503 until it is back'),
  );
  shutdown.register('database availability log', () => stopLogging());
  await joinAuditChain(logger);
  await loadDefaults();
  if (config.DEMO_DATA) {
    const asOf = todayIn(config.TIME_ZONE);
    const outcome = await loadDemoWorldOnce({ seed: DEMO_SEED, entities: config.DEMO_ENTITIES, asOf }, (m) => logger.info(m));
    logger.info(outcome === 'loaded' ? 'demo world loaded' : 'existing data kept (demo world not reloaded)');
    // Straight to the console, whatever the log level or format: these are shown exactly once.
    const credentials = await createDemoUsersOnce();
    if (credentials.length > 0) process.stdout.write(formatDemoCredentials(credentials));
  }

  const sessionSecret = await sessionSecretFor(config, logger);
  const draws = drawSettingsFrom(config);
  const inspections = inspectionSettingsFrom(config, workingCalendar);
  const app = createApp({ config, logger, sessionSecret, timeZone: config.TIME_ZONE, dataDir: config.dataDir, draws, inspections });
  const server = await listen(app, config);
  shutdown.register('http server', () => closeServer(server));
  const scheduler = startScheduler(scheduledJobs({ timeZone: config.TIME_ZONE, dataDir: config.dataDir, draws, inspections, logger }), { timeZone: config.TIME_ZONE, logger });
  shutdown.register('scheduler', () => scheduler.stop());
  logger.info(`ready: http://${config.HOST}:${config.PORT}/`);
}

/** Audit events written before the hash chain existed join it (once; resumes after a crash), and the head is logged so it can be noted elsewhere. */
async function joinAuditChain(logger: Logger): Promise<void> {
  let logged = Date.now();
  const onProgress = (n: number) => {
    if (Date.now() - logged < 5000) return;
    logged = Date.now();
    logger.info(`audit chain: ${n} earlier events chained so far`);
  };
  const chained = await chainLegacyEvents({ onProgress });
  if (chained > 0) logger.info(`audit chain: ${chained} events written before the chain joined it`);
  const head = await chainHead();
  if (head) logger.info({ auditHead: { seq: head.seq, hash: head.hash } }, `audit chain head: seq ${head.seq} ${head.hash}`);
}

/** SESSION_SECRET, or one kept in DATA_DIR next to the embedded database (never a fixed default). */
async function sessionSecretFor(config: Config, logger: Logger): Promise<string> {
  const { secret, source } = await resolveSessionSecret(config.SESSION_SECRET, config.MONGODB_URI ? undefined : config.dataDir);
  if (source === 'generated') logger.info('generated a session secret in DATA_DIR (mode 600)');
  if (source === 'ephemeral') logger.warn('SESSION_SECRET is not set: sessions will not survive a restart');
  if (config.isProduction && !config.TRUST_PROXY) {
    logger.warn('session cookies are Secure in production: serve over HTTPS behind a proxy and set TRUST_PROXY=true, or nobody can sign in');
  }
  return secret;
}

function listen(app: ReturnType<typeof createApp>, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/** Stops accepting, lets in-flight requests finish briefly, then drops idle keep-alives. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 3000).unref();
  });
}

/** Signals and fatal errors end the process through one shutdown; returns that stop function. */
function installProcessHandlers(shutdown: Shutdown, logger: Logger): (reason: string, code: number) => void {
  const stop = (reason: string, code: number) => {
    // A hard deadline: whatever hangs, the process is gone before orchestrators give up on it.
    setTimeout(() => process.exit(code), SHUTDOWN_DEADLINE_MS).unref();
    void shutdown.run(reason).then(() => process.exit(code));
  };
  process.once('SIGTERM', () => stop('SIGTERM', 0));
  process.once('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => {}); // later signals: already shutting down
  process.on('SIGINT', () => {});
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    stop('unhandledRejection', 1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    stop('uncaughtException', 1);
  });
  return stop;
}

boot().catch((error: unknown) => {
  // ProvisionError (names every way to get a database), DataDirInUseError (names the app that
  // owns DATA_DIR) and the rest: the message is the whole story, without a stack.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`start-up failed: ${message}\n`);
  process.exit(1);
});
