// Owns the process-wide structured logger: pino, JSON lines for collectors or pretty lines
// for a person at a terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(level: string, format: 'json' | 'pretty' = 'json'): Logger {
  const options = {
    name: 'shuangsuiji',
    level,
    // Session cookies, CSRF tokens and passwords must never reach the logs.
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'req.body.password'],
  };
  return format === 'pretty'
    ? pino(options, pretty({ colorize: process.stdout.isTTY, ignore: 'pid,hostname,name', translateTime: 'SYS:HH:MM:ss', sync: true }))
    : pino(options);
}
