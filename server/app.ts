// Builds the Express app: middleware, routes, error handling. It neither connects to the
// database nor listens (server/main.ts does), so tests get the real app without a port.
// Order matters: probes and static files first (no session), then language, session and the
// signed-in user, the access table, body parsing, CSRF, the routers. The routers and their
// access rules come from one list, server/features.ts: each is mounted at its own path.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Store } from 'express-session';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { requestLogger } from './middleware/request-logger.js';
import { databaseAvailability } from './middleware/database-availability.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { i18nMiddleware } from './i18n/index.js';
import { PUBLIC_DIR, VIEWS_DIR } from './paths.js';
import { isDatabaseReady } from './db/connect.js';
import { loadCurrentUser, sessionMiddleware } from './auth/session.js';
import { csrfProtection, csrfTokenFor } from './auth/csrf.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './auth/password.js';
import { accessControl, type AccessMiddleware } from './access/middleware.js';
import type { AccessTable } from './access/rules.js';
import { ACCESS_TABLE, MOUNTS, accessTableOf } from './features.js';
import type { FeatureDeps, RouterMount } from './routes/mount.js';
import { workingCalendar } from './calendar/calendar-store.js';
import { inspectionSettingsFrom, type InspectionSettings } from './inspections/settings.js';
import { navLinksFor } from './access/nav.js';
import { decide } from './access/policy.js';
import { formatDateTime, formatDay } from './time.js';
import { actorOf } from './auth/actor.js';
import { defaultDrawSettings, type DrawSettings } from './plans/settings.js';

/** Form and JSON bodies are small; uploads (multipart) are streamed by their own routes. */
const BODY_LIMIT = '100kb';

export interface AppDependencies {
  config: Pick<Config, 'isProduction' | 'NODE_ENV' | 'TRUST_PROXY'>;
  logger: Logger;
  /** Readiness probe; defaults to pinging the Mongoose connection. */
  isReady?: () => Promise<boolean>;
  /** Signs session cookies. main.ts passes SESSION_SECRET or the one kept in DATA_DIR; the
   * default, a random secret per app, suits tests (sessions then last as long as the app). */
  sessionSecret?: string;
  /** Where sessions live; defaults to the database (models/session.ts). */
  sessionStore?: Store;
  /** Time for login attempts and session age; tests move it. */
  clock?: () => Date;
  /** The routers, in order; defaults to server/features.ts. */
  mounts?: readonly RouterMount[];
  /** Who may call what; defaults to the rules of the mounts (server/features.ts). */
  accessTable?: AccessTable;
  /** Time zone of dates shown on pages (config TIME_ZONE). */
  timeZone?: string;
  /** Where uploads and import error reports are kept (config DATA_DIR). */
  dataDir?: string;
  /** Settings of the plan/task/draw use cases; defaults to the app's clock and time zone, no drand relays. */
  draws?: DrawSettings;
  /** Settings of the inspection use cases; defaults to the config's limits, the app's clock and the stored working-day calendar. */
  inspections?: InspectionSettings;
}

export function createApp({
  config, logger, isReady = () => isDatabaseReady(), sessionSecret = randomBytes(32).toString('hex'),
  sessionStore, clock = () => new Date(), mounts = MOUNTS, accessTable = mounts === MOUNTS ? ACCESS_TABLE : accessTableOf(mounts),
  timeZone = 'Asia/Shanghai', dataDir = join(tmpdir(), 'shuangsuiji-data'), draws = defaultDrawSettings({ now: clock, timeZone }),
  inspections = inspectionSettingsFrom({ TIME_ZONE: timeZone }, workingCalendar, clock),
}: AppDependencies): Express {
  // Secure cookies need HTTPS end to end as Express sees it: in production, or behind a TLS proxy.
  const secureCookies = config.isProduction || config.TRUST_PROXY;
  const access = accessControl(accessTable);
  const deps: FeatureDeps = { secureCookies, clock, timeZone, dataDir, isReady, actorOf, draws, inspections };
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');

  app.use(requestLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: config.isProduction ? [] : null,
        },
      },
    }),
  );
  for (const early of mounts.filter((m) => m.beforeSession)) app.use(early.path, early.router(deps));
  app.use(express.static(PUBLIC_DIR, { maxAge: config.isProduction ? '1h' : 0, index: false }));
  app.use(i18nMiddleware);
  app.use(databaseAvailability()); // 503 at once while the database is unreachable (after probes and static files)
  app.use(sessionMiddleware({ secret: sessionSecret, secure: secureCookies, ...(sessionStore ? { store: sessionStore } : {}) }));
  app.use(loadCurrentUser(clock));
  app.use(pageLocals(access, timeZone));
  app.use(access);
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }));
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(csrfProtection({ secret: sessionSecret, secure: secureCookies }));

  for (const feature of mounts.filter((m) => !m.beforeSession)) app.use(feature.path, feature.router(deps));

  app.use(notFoundHandler);
  app.use(errorHandler({ showDetails: config.NODE_ENV === 'development' }));
  return app;
}

/**
 * What every page's layout needs: the user, role-based navigation, can(method, path) for action
 * buttons (the access rules' own answer), CSRF token, date formatting in TIME_ZONE, message values.
 */
function pageLocals(access: AccessMiddleware, timeZone: string): RequestHandler {
  return (req, res, next) => {
    res.locals.formatDateTime = (date: Date, precision?: 'minutes' | 'seconds') => formatDateTime(date, timeZone, precision);
    res.locals.formatDay = formatDay;
    res.locals.currentUser = req.user;
    res.locals.navLinks = navLinksFor(access.rules, req.user);
    res.locals.can = (method: string, path: string) => decide(access.rules, method.toUpperCase(), path, req.user) === 'allow';
    // A function: only pages with a form mint a token (a cookie for anonymous visitors).
    res.locals.csrfToken = () => csrfTokenFor(req);
    res.locals.messageParams = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };
    // Back-office pages must not linger in shared caches or the back button after logout.
    if (req.user) res.set('Cache-Control', 'no-store');
    next();
  };
}
