// Owns graceful shutdown: cleanup tasks registered during boot run once, in reverse order of
// registration (last started, first stopped), each bounded in time; a second signal while
// shutting down does not start a second shutdown.
import type { Logger } from './logger.js';

type Cleanup = { name: string; run: () => Promise<void> | void };

export class Shutdown {
  private readonly cleanups: Cleanup[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger, private readonly perTaskTimeoutMs = 5000) {}

  register(name: string, run: Cleanup['run']): void {
    this.cleanups.push({ name, run });
  }

  /** Runs every cleanup once; later calls return the same promise. */
  run(reason: string): Promise<void> {
    this.running ??= this.runAll(reason);
    return this.running;
  }

  private async runAll(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const cleanup of [...this.cleanups].reverse()) {
      try {
        await withTimeout(Promise.resolve(cleanup.run()), this.perTaskTimeoutMs, cleanup.name);
      } catch (error) {
        this.logger.error({ err: error, task: cleanup.name }, 'cleanup failed');
      }
    }
    this.logger.info('shutdown complete');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
