// The API the web routes will call: start from an upload stream with a user, poll progress,
// download the error report; and the run bookkeeping behind resumption.
import { expect } from 'chai';
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import iconv from 'iconv-lite';
import mongoose from 'mongoose';
import { ImportRun, MarketEntity } from '../../../models/index.js';
import { ConflictError, NotFoundError } from '../../../server/errors.js';
import { getImportRun, listImportRuns, openErrorReport, startImport, type ImportProgress } from '../../../server/import/index.js';
import { csvRecord, ENTITY_HEADER, writeCsvFile } from '../../helpers/sample-files.js';
import { entityRows, temporaryDir } from './support.js';

describe('import runs', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => (dir = await temporaryDir()));
  after(async () => dir.remove());

  async function csvWith(rows: string[][], name = 'upload.csv'): Promise<string> {
    const file = join(dir.path, name);
    await writeCsvFile(file, ENTITY_HEADER, rows, { encoding: 'gb18030' });
    return file;
  }

  it('an upload stream started by a user: progress per batch, the run records who, and the error report downloads', async () => {
    const rows = entityRows(250, 'upload');
    rows[3] = [...(rows[3] as string[])];
    (rows[3] as string[])[2] = '不知道';
    const file = await csvWith(rows);
    const userId = new mongoose.Types.ObjectId();
    const seen: ImportProgress[] = [];
    const handle = await startImport({
      kind: 'entities', dataDir: dir.path, batchSize: 100, onProgress: (p) => seen.push(p),
      source: { stream: createReadStream(file), fileName: '洪江区名录.csv' }, user: { userId, username: 'chen', via: 'web' },
    });
    const summary = await handle.done;
    expect(seen.map((p) => p.counts.read)).to.deep.equal([100, 200, 250]);
    expect(seen.at(-1)?.percent).to.equal(100);
    const view = await getImportRun(handle.runId);
    expect(view).to.include({ status: 'completed', fileName: '洪江区名录.csv', errorCount: 1, hasErrorReport: true });
    expect(view.startedBy).to.deep.equal({ userId: String(userId), username: 'chen', via: 'web' });
    expect(view.progress.counts).to.deep.equal(summary.counts);
    expect(view.sampleErrors[0]).to.include({ row: 5, column: '主体类型', value: '不知道', code: 'invalid_choice' });
    const download = await openErrorReport(handle.runId, dir.path);
    expect(download.fileName).to.equal(`entities-${handle.runId}-errors.csv`);
    expect(await text(download.stream)).to.contain('5,主体类型,不知道,invalid_choice');
    expect((await listImportRuns({ kind: 'entities' })).map((run) => run.id)).to.deep.equal([handle.runId]);
    // The upload was kept under DATA_DIR while the run could still need it, and removed once done.
    const stored = (await ImportRun.findById(handle.runId).lean())?.filePath as string;
    expect(stored.startsWith(join(dir.path, 'imports', 'uploads'))).to.equal(true);
    expect(await access(stored).then(() => 'present', () => 'gone')).to.equal('gone');
  });

  it('a second start of a file being imported is refused; a run whose heartbeat stopped reads as interrupted', async () => {
    const file = await csvWith(entityRows(300, 'busy'), 'busy.csv');
    const first = await startImport({ kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'a' }, batchSize: 50 });
    const second = await startImport({ kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'b' } }).catch((e: unknown) => e);
    expect(second).to.be.instanceOf(ConflictError);
    await first.done;
    // Another host's run that stopped beating 31 s ago: interrupted, and the next attempt resumes it.
    const stale = new Date(Date.now() - 31_000);
    await ImportRun.updateOne({ _id: first.runId }, { $set: { status: 'running', host: 'elsewhere', heartbeatAt: stale, lastCommittedRow: 151 } });
    expect((await getImportRun(first.runId)).status).to.equal('interrupted');
    const third = await startImport({ kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'c' } });
    expect(third.resumedFromRow).to.equal(151);
    const summary = await third.done;
    expect(summary.counts).to.include({ read: 300, inserted: 300, unchanged: 150 });
    expect(await MarketEntity.countDocuments()).to.equal(300);
  });

  it('aborting stops after the current batch as interrupted; the same file then resumes to the end', async () => {
    const file = await csvWith(entityRows(400, 'abort'), 'abort.csv');
    const abort = new AbortController();
    const handle = await startImport({
      kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'a' }, batchSize: 100,
      signal: abort.signal, onProgress: () => abort.abort(),
    });
    const stopped = await handle.done;
    expect(stopped.status).to.equal('interrupted');
    expect(stopped.counts.inserted).to.be.within(100, 200);
    const again = await startImport({ kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'a' } });
    expect(again.resumedFromRow).to.be.greaterThan(100);
    expect((await again.done).counts).to.include({ inserted: 400, read: 400 });
  });

  it('a file rejected as a whole is kept as a failed run with the reason, and has no error report', async () => {
    const file = join(dir.path, 'bad.csv');
    await writeCsvFile(file, ['名称', '地址'], [['某公司', '某地']]);
    const error = await startImport({ kind: 'entities', dataDir: dir.path, source: { path: file }, user: { username: 'a' } }).catch((e: Error) => e);
    expect((error as Error).message).to.contain('统一社会信用代码');
    const [run] = await listImportRuns();
    expect(run).to.include({ status: 'failed' });
    expect(run?.failure?.code).to.equal('missing_columns');
    const missing = await openErrorReport(run?.id as string, dir.path).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(NotFoundError);
  });

  it('strictly UTF-8 files that turn out not to be UTF-8 half-way fail with an encoding message, not mojibake', async () => {
    const file = join(dir.path, 'mixed.csv');
    const rows = entityRows(3000, 'mixed');
    await writeCsvFile(file, ENTITY_HEADER, rows.slice(0, 2990), { encoding: 'utf-8' });
    // The last rows in GB18030, appended to a file whose first 64 KB are valid UTF-8.
    const tail = iconv.encode(rows.slice(2990).map((row) => csvRecord(row)).join(''), 'gb18030');
    const combined = Buffer.concat([await readFile(file), tail]);
    const handle = await startImport({
      kind: 'entities', dataDir: dir.path, user: { username: 'a' }, source: { stream: Readable.from([combined]), fileName: 'mixed.csv' },
    });
    const summary = await handle.done;
    // Nothing is written after the run is reported: the batch in flight when the file failed has ended.
    const afterDone = await MarketEntity.countDocuments();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await MarketEntity.countDocuments()).to.equal(afterDone);
    expect(summary.status).to.equal('failed');
    expect(summary.failure?.code).to.equal('encoding');
    expect(summary.failure?.message).to.contain('gb18030');
  });

  it('the unique index on resumeOf lets only one attempt continue a given run', async () => {
    const base = {
      kind: 'entities' as const, fileName: 'a.csv', filePath: '/tmp/a.csv', fileSha256: 'a'.repeat(64), fileSize: 1, format: 'csv' as const,
      startedBy: { username: 'a', via: 'cli' as const }, startedAt: new Date(), heartbeatAt: new Date(),
    };
    const original = await ImportRun.create(base);
    await ImportRun.create(base); // many runs resume nothing
    await ImportRun.create({ ...base, resumeOf: original._id });
    const error = await ImportRun.create({ ...base, resumeOf: original._id }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).to.equal(11000);
  });
});
