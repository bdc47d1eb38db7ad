// Owns per-request structured logging and the request id (X-Request-Id), which error pages
// show so that a person can quote it to an administrator.
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    // Accept a caller's id (e.g. from a proxy) only when it is harmless to echo back.
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // One compact line per request: method, path, status, time — not every header.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: withoutSecrets(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  });
}

/** Upload forms carry their CSRF token in the query string; it must not reach the logs. */
export function withoutSecrets(url: string): string {
  return url.replace(/([?&]_csrf=)[^&]*/g, '$1[redacted]');
}
