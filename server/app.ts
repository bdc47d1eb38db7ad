// Builds the Express app: middleware, routes, error handling. It neither connects to the
// database nor listens (server/main.ts does), so tests get the real app without a port.
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { requestLogger } from './middleware/request-logger.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { i18nMiddleware } from './i18n/index.js';
import { PUBLIC_DIR, VIEWS_DIR } from './paths.js';
import { healthRouter } from './routes/health.js';
import { homeRouter } from './routes/home.js';
import { isDatabaseReady } from './db/connect.js';

export interface AppDependencies {
  config: Pick<Config, 'isProduction' | 'NODE_ENV' | 'TRUST_PROXY'>;
  logger: Logger;
  /** Readiness probe; defaults to pinging the Mongoose connection. */
  isReady?: () => Promise<boolean>;
}

export function createApp({ config, logger, isReady = () => isDatabaseReady() }: AppDependencies): Express {
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
  app.use(healthRouter(isReady));
  app.use(express.static(PUBLIC_DIR, { maxAge: config.isProduction ? '1h' : 0, index: false }));
  app.use(i18nMiddleware);
  app.use((_req, res, next) => {
    res.locals.navLinks = [];
    next();
  });

  app.use('/', homeRouter());

  app.use(notFoundHandler);
  app.use(errorHandler({ showDetails: config.NODE_ENV === 'development' }));
  return app;
}
