// Owns the one-time preparation of the default embedded database, mongo-java-server 1.47.0 with
// its H2 (MVStore) backend: Maven fetches the jars that server/db/java/pom.xml names from Maven
// Central, javac compiles server/db/java/Launcher.java against them, both into CACHE_DIR (outside
// the work tree). The folder is named after a hash of those two files, so editing either
// rebuilds; idempotent, one builder at a time (lock folder), atomic (built aside, then renamed).
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { buildOnce } from './build-lock.js';
import { ProvisionError, run, type Progress } from './provision.js';

export const MONGO_JAVA_SERVER_VERSION = '1.47.0';
const SOURCE_DIR = join(PROJECT_ROOT, 'server', 'db', 'java');
const SOURCES = ['pom.xml', 'Launcher.java'];

export interface JavaServer {
  /** The `java` launcher (from PATH). */
  java: string;
  /** Class path: the fetched jars and the compiled launcher. */
  classpath: string;
}

/** Returns how to run the launcher, fetching and compiling it first if the cache lacks it. */
export async function ensureJavaServer(cacheDir: string, progress: Progress = () => {}): Promise<JavaServer> {
  const dir = await buildDir(cacheDir);
  await mkdir(join(cacheDir, `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}`), { recursive: true });
  await buildOnce(`${dir}.lock`, () => isBuilt(dir), () => build(dir, progress), () =>
    progress('another process is preparing mongo-java-server; waiting for it…'),
  );
  return { java: 'java', classpath: `${join(dir, 'lib', '*')}:${join(dir, 'classes')}` };
}

/** True when the cache holds a launcher for the current sources (no build needed, only `java`). */
export async function javaServerIsBuilt(cacheDir: string): Promise<boolean> {
  return isBuilt(await buildDir(cacheDir));
}

async function buildDir(cacheDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of SOURCES) hash.update(await readFile(join(SOURCE_DIR, name)));
  return join(cacheDir, `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}`, hash.digest('hex').slice(0, 12));
}

async function isBuilt(dir: string): Promise<boolean> {
  try {
    await access(join(dir, 'classes', 'Launcher.class'));
    return true;
  } catch {
    return false;
  }
}

async function build(dir: string, progress: Progress): Promise<void> {
  const started = Date.now();
  progress(`fetching mongo-java-server ${MONGO_JAVA_SERVER_VERSION} and H2 from Maven Central (one time only; about 6 MB)…`);
  await run('java', ['-version'], {});
  await run('javac', ['-version'], {}).catch((error: unknown) => {
    throw error instanceof ProvisionError && error.message.includes('not installed')
      ? new ProvisionError('"javac" is not installed or not on PATH (a JDK 17+ is needed, not only a JRE).')
      : error;
  });
  const scratch = `${dir}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  try {
    let downloaded = 0;
    let lastReport = Date.now();
    await run(
      'mvn',
      ['-B', '-f', join(SOURCE_DIR, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${join(scratch, 'lib')}`, '-DincludeScope=runtime'],
      {},
      (line) => {
        if (!line.includes('Downloaded from')) return;
        downloaded += 1;
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          progress(`…downloaded ${downloaded} files (${Math.round((Date.now() - started) / 1000)} s)`);
        }
      },
    );
    progress('compiling the launcher…');
    await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', join(scratch, 'classes'), '-cp', join(scratch, 'lib', '*'), join(SOURCE_DIR, 'Launcher.java')], {});
    await rename(scratch, dir);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  progress(`mongo-java-server ready in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
}
