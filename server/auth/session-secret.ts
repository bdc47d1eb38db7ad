// Owns the secret that signs session cookies outside production: generated at random once and
// kept in DATA_DIR (mode 600) so that sessions survive restarts. Never a hard-coded default.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SECRET_FILE = 'session-secret';

export type SecretSource = 'config' | 'file' | 'generated' | 'ephemeral';

export interface ResolvedSecret {
  secret: string;
  source: SecretSource;
}

/**
 * SESSION_SECRET when set (required in production by config.ts); otherwise the file in
 * `dataDir`, created on first use. Without a data directory to keep it in (an external
 * database in development) a per-process secret is used: sessions then end at restart.
 */
export async function resolveSessionSecret(configured: string | undefined, dataDir: string | undefined): Promise<ResolvedSecret> {
  if (configured) return { secret: configured, source: 'config' };
  if (!dataDir) return { secret: randomBytes(48).toString('base64url'), source: 'ephemeral' };
  const file = join(dataDir, SECRET_FILE);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) {
      // Someone may have copied the folder loosely: the secret stays readable by its owner only.
      if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
      return { secret: existing, source: 'file' };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode does not apply to an existing (too short) file
  return { secret, source: 'generated' };
}
