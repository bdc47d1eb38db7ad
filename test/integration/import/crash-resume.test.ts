// Acceptance: an import killed with SIGKILL half-way, run again, ends in exactly the state of an
// uninterrupted import. The CLI runs as a child process against its own database on the test
// server; the uninterrupted reference import runs in-process into the test database.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ENTITY_HEADER, writeCsvFile } from '../../helpers/sample-files.js';
import { effectiveStatus } from '../../../server/import/run-store.js';
import { PROJECT_ROOT } from '../../../server/paths.js';
import { testDatabase } from '../../helpers/test-db.js';
import { collectionChecksum, entityRows, importFile, temporaryDir } from './support.js';

const ROWS = 8000;

interface Cli {
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function runCli(args: string[], env: Record<string, string>): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'import.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { kill: () => child.kill('SIGKILL'), exited };
}

describe('an entity import killed with SIGKILL half-way', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  let client: InstanceType<typeof mongoose.mongo.MongoClient>;
  const dbName = `import_kill_${process.pid}_${randomBytes(3).toString('hex')}`;

  before(async () => {
    dir = await temporaryDir();
    client = new mongoose.mongo.MongoClient(testDatabase().uriFor(dbName));
    await client.connect();
  });
  after(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await dir.remove();
  });

  it('re-run resumes and ends identical to an uninterrupted import, with no duplicates', async function () {
    this.timeout(180_000);
    const file = join(dir.path, 'roster.csv');
    await writeCsvFile(file, ENTITY_HEADER, entityRows(ROWS, 'kill'), { encoding: 'gb18030' });
    const env = { MONGODB_URI: testDatabase().uriFor(dbName), DATA_DIR: dir.path };
    const db = client.db(dbName);

    const first = runCli(['entities', file, '--batch-size', '100'], env);
    const killedAt = await killOnceCommitted(db, first);
    const killed = await first.exited;
    expect(killed.signal, killed.output).to.equal('SIGKILL');
    const stored = await db.collection('marketentities').countDocuments();
    expect(stored, 'killed before the end').to.be.within(killedAt, ROWS - 1);
    const dead = await db.collection('importruns').findOne({});
    expect(dead?.status).to.equal('running'); // it never got to say otherwise…
    expect(effectiveStatus(dead as never)).to.equal('interrupted'); // …but its process is gone

    const second = await runCli(['entities', file, '--batch-size', '100'], env).exited;
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.match(/resumed after row \d+/);
    const runs = await db.collection('importruns').find({}).sort({ startedAt: 1 }).toArray();
    expect(runs.map((run) => run.status)).to.deep.equal(['interrupted', 'completed']);
    expect(String(runs[1]?.resumeOf)).to.equal(String(runs[0]?._id));
    expect(runs[1]?.resumedFromRow).to.be.at.least(killedAt);

    const reference = await importFile('entities', file, dir.path);
    expect(reference.counts.inserted).to.equal(ROWS);
    const resumed = await collectionChecksum(db, 'marketentities');
    expect(resumed.count).to.equal(ROWS);
    expect(resumed).to.deep.equal(await collectionChecksum(mongoose.connection.db!, 'marketentities'));
  });
});

/** Kills the CLI as soon as its run records a committed row; returns that row count. */
async function killOnceCommitted(db: mongoose.mongo.Db, cli: Cli): Promise<number> {
  let exited = false;
  void cli.exited.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !exited) {
    const run = await db.collection('importruns').findOne({ status: 'running' });
    if ((run?.lastCommittedRow ?? 0) > 0) {
      cli.kill();
      return (run?.counts?.inserted as number | undefined) ?? 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the CLI never committed a batch:\n${(await cli.exited).output}`);
}
