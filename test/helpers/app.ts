// The real app for integration tests: createApp with test configuration, silent logs and an
// injectable clock; attached to the run's database by the root hook.
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';

export function testApp(options: { now?: () => Date } = {}): Express {
  return createApp({
    config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false },
    logger: createLogger('silent'),
    timeZone: 'Asia/Shanghai',
    ...(options.now ? { clock: options.now } : {}),
  });
}
