// Owns what the embedded database servers' one-time builds share: the error that names every
// way out when a prerequisite is missing, and running a build tool with its output kept.
import { spawn } from 'node:child_process';

export type Progress = (message: string) => void;

/** The sentence every provisioning failure ends with: each way to get a database. */
export const WAYS_OUT =
  'The app needs one of: (1) Java 17+ (java, javac) and Maven (mvn) on PATH for the default embedded database, ' +
  'mongo-java-server 1.47.0, fetched once from Maven Central; (2) Go 1.22+ on PATH with EMBEDDED_DB=ferretdb, to build ' +
  'FerretDB 1.24.2 once (or FERRETDB_BIN); (3) MONGOD_BIN pointing at a mongod binary (or mongod on PATH); ' +
  '(4) MONGODB_URI pointing at a running MongoDB.';

export class ProvisionError extends Error {
  constructor(message: string) {
    super(`${message}\n${WAYS_OUT}`);
    this.name = 'ProvisionError';
  }
}

/** Runs a command, streaming stderr and stdout lines to onLine; resolves with stdout. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string },
  onLine: (line: string) => void = () => {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    const lines = (text: string) => {
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      lines(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => lines(chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new ProvisionError(`"${command}" is not installed or not on PATH.`) : error),
    );
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new ProvisionError(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail}`)),
    );
  });
}
