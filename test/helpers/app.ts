// The real app for integration tests: createApp with test configuration, silent logs and an
// injectable clock; attached to the run's database by the root hook.
import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import type { DrawSettings } from '../../server/plans/settings.js';

export function testApp(options: { now?: () => Date; draws?: DrawSettings } = {}): Express {
  return createApp({
    config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false },
    logger: createLogger('silent'),
    timeZone: 'Asia/Shanghai',
    ...(options.now ? { clock: options.now } : {}),
    ...(options.draws ? { draws: options.draws } : {}),
  });
}

/** The test app listening on a free loopback port, for the browser tests. */
export async function startTestServer(options: { now?: () => Date; draws?: DrawSettings } = {}): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = testApp(options).listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
