// Resource limits of uploads (issue 8, item 5): an XLSX compression bomb is refused with
// memory measured and bounded, verifications run a bounded number at once, uploads are kept
// only as long as stated, and the request that used to stop the process leaves the real entry
// point serving.
import { expect } from 'chai';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { ImportRun } from '../../models/index.js';
import { ERROR_REPORT_RETENTION_MS, purgeImportFiles, UPLOAD_RETENTION_MS } from '../../server/import/retention.js';
import { uploadsDir } from '../../server/import/stored-file.js';
import { XLSX_LIMITS } from '../../server/import/xlsx-bounds.js';
import { MAX_CONCURRENT_VERIFICATIONS } from '../../server/routes/verify.js';
import { ENTITY_HEADER } from '../helpers/sample-files.js';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import { ensureDepartment, signInAs, type SignedIn } from '../helpers/auth.js';
import { killSpawnedApps, spawnApp, waitReady } from '../helpers/app-process.js';
import { testDatabase } from '../helpers/test-db.js';
import { BOUNDARY, MULTIPART_TYPE, repeated, UNCLOSED_FILE_PART, workbook } from './helpers.js';

const MiB = 1024 * 1024;

/** Samples this process's RSS every 20 ms while `work` runs; resolves with the peak growth. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

describe('upload limits', () => {
  let dataDir: string;
  let app: Express;
  let admin: SignedIn;

  beforeEach(async () => {
    dataDir = join(tmpdir(), `ssj-limits-${process.pid}-${Date.now()}`);
    app = createApp({ config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'), dataDir });
    admin = await signInAs(app, 'admin');
    await ensureDepartment('HJ-SCJG');
  });

  describe('an XLSX compression bomb', () => {
    it('of shared strings (a few hundred KB inflating to 512 MB) is refused with 422, adding far less than 512 MB of memory', async function () {
      this.timeout(120_000);
      const bombBytes = 512 * MiB;
      const file = await workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        () => repeated('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', '<si><t>统一社会信用代码AAAAAAAA</t></si>', bombBytes, '</sst>'),
      );
      expect(file.length, 'the bomb is small on the wire').to.be.below(5 * MiB);
      const { result: res, growth } = await peakRssGrowth(() =>
        admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', file, 'bomb.xlsx'),
      );
      expect(res.status, res.text).to.equal(422);
      expect(res.body.error.message).to.include(`${XLSX_LIMITS.sharedStringsBytes / MiB} MB`);
      expect(growth, `RSS grew by ${Math.round(growth / MiB)} MB`).to.be.below(512 * MiB);
      expect(await readdir(uploadsDir(dataDir)).catch(() => [])).to.deep.equal([]);
    });

    /** Waits for an accepted import to finish reading (exceljs has then held the shared strings). */
    async function settled(runId: string | undefined): Promise<void> {
      for (let i = 0; runId && i < 600 && (await ImportRun.findById(runId).lean())?.status === 'running'; i += 1) await new Promise((r) => setTimeout(r, 200));
    }
    const SST_HEAD = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
    const headerRow = `<row r="1">${ENTITY_HEADER.map((h, i) => `<c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>`;

    it('of rich-text shared strings just under the byte limit (62 MB of tiny runs) is refused with 422 naming the run limit, adding far less than 512 MB', async function () {
      this.timeout(300_000);
      const file = await workbook(headerRow, () => repeated(SST_HEAD, '<si><r><t>x</t></r><r><t>y</t></r></si>', 62 * MiB, '</sst>'));
      const { result: res, growth } = await peakRssGrowth(async () => {
        const answer = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', file, 'rich.xlsx');
        await settled(answer.body.runId);
        return answer;
      });
      expect(res.status, res.text).to.equal(422);
      expect(res.body.error.message).to.include(XLSX_LIMITS.richTextRuns.toLocaleString('en-US'));
      expect(growth, `RSS grew by ${Math.round(growth / MiB)} MB`).to.be.below(256 * MiB);
      const en = await admin.agent.post('/api/v1/imports/entities?lang=en').set('X-CSRF-Token', admin.csrf).set('Accept-Language', 'en').attach('file', file, 'rich.xlsx');
      expect(en.body.error.message).to.match(/rich text/).and.include('500,000');
    });

    it('of 2,000,000 tiny shared strings, or with just under the limits of strings and runs, is read with far less than 512 MB; one string more is refused', async function () {
      this.timeout(300_000);
      const runsUnit = '<si><r><rPr><b/><sz val="11"/></rPr><t>x</t></r><r><rPr><i/></rPr><t>y</t></r></si>';
      const richStrings = Math.floor(XLSX_LIMITS.richTextRuns / 2);
      const plainStrings = XLSX_LIMITS.sharedStrings - richStrings;
      function* justUnder(extra: number): Iterable<Buffer> {
        yield Buffer.from(SST_HEAD);
        for (let i = 0; i < richStrings; i += 10_000) yield Buffer.from(runsUnit.repeat(Math.min(10_000, richStrings - i)));
        for (let i = 0; i < plainStrings + extra; i += 100_000) yield Buffer.from('<si><t>x</t></si>'.repeat(Math.min(100_000, plainStrings + extra - i)));
        yield Buffer.from('</sst>');
      }
      const file = await workbook(headerRow, () => justUnder(0));
      const { result: res, growth } = await peakRssGrowth(async () => {
        const answer = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', file, 'under.xlsx');
        await settled(answer.body.runId);
        return answer;
      });
      expect(res.status, res.text).to.equal(202);
      // Measured about 190 MB (2,000,000 strings, 500,000 runs with fonts); the bound leaves room for GC timing.
      expect(growth, `RSS grew by ${Math.round(growth / MiB)} MB`).to.be.below(320 * MiB);
      const over = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', await workbook(headerRow, () => justUnder(1)), 'over.xlsx');
      expect(over.status, over.text).to.equal(422);
      expect(over.body.error.message).to.include('2,000,000');
    });

    it('whose central directory understates a part\'s size is refused as invalid, not inflated', async () => {
      const file = await workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>' + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'.repeat(2000));
      // Rewrite the sheet's uncompressed size in the central directory (offset 24 of its record).
      const name = Buffer.from('xl/worksheets/sheet1.xml');
      let at = file.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      while (at >= 0 && !file.subarray(at + 46, at + 46 + name.length).equals(name)) at = file.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4);
      expect(at).to.be.greaterThan(0);
      file.writeUInt32LE(100, at + 24);
      const res = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', file, 'liar.xlsx');
      expect(res.status, res.text).to.equal(422);
      expect(res.body.error.code).to.equal('import_file_invalid');
    });
  });

  describe('draw verification', () => {
    it(`runs at most ${MAX_CONCURRENT_VERIFICATIONS} at once; the next answers 503 busy with Retry-After, and a slot frees when one ends`, async () => {
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const port = (server.address() as { port: number }).port;
      // Uploads that start and then stall hold their slots.
      const stalled = Array.from({ length: MAX_CONCURRENT_VERIFICATIONS }, () => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/draws/verify', headers: { 'Content-Type': MULTIPART_TYPE } });
        req.on('error', () => {});
        req.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="record"; filename="r.json"\r\n\r\n{"a":`);
        return req;
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const busy = await fetch(`http://127.0.0.1:${port}/api/v1/draws/verify`, { method: 'POST', headers: { 'Content-Type': MULTIPART_TYPE }, body: UNCLOSED_FILE_PART });
        expect(busy.status).to.equal(503);
        expect(busy.headers.get('retry-after')).to.equal('5');
        expect(((await busy.json()) as { error: { code: string } }).error.code).to.equal('busy');
        // One stalled upload is abandoned: its slot frees and the next request is served.
        stalled[0]?.destroy();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const served = await fetch(`http://127.0.0.1:${port}/api/v1/draws/verify`, { method: 'POST', headers: { 'Content-Type': MULTIPART_TYPE }, body: UNCLOSED_FILE_PART });
        expect(served.status).to.equal(400);
      } finally {
        for (const req of stalled) req.destroy();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('retention of import files', () => {
    it('deletes an upload as soon as its import is refused or finished', async () => {
      const missingColumn = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', Buffer.from('名称\r\nx\r\n'), 'bad.csv');
      expect(missingColumn.status).to.equal(422);
      expect(await readdir(uploadsDir(dataDir))).to.deep.equal([]);
      const started = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', Buffer.from(`${ENTITY_HEADER.join(',')}\r\n1,2\r\n`), 'rejects.csv');
      expect(started.status).to.equal(202);
      for (let i = 0; i < 100 && (await ImportRun.findById(started.body.runId).lean())?.status === 'running'; i += 1) await new Promise((r) => setTimeout(r, 100));
      expect((await ImportRun.findById(started.body.runId).lean())?.status).to.equal('completed');
      expect(await readdir(uploadsDir(dataDir))).to.deep.equal([]);
    });

    it('the purge job removes what a killed process left once it is older than stated, and keeps newer files', async () => {
      const uploads = uploadsDir(dataDir);
      await mkdir(uploads, { recursive: true });
      const old = new Date(Date.now() - UPLOAD_RETENTION_MS - 60_000);
      for (const name of ['.abandoned.part', 'entities-old.csv']) {
        await writeFile(join(uploads, name), 'x');
        await utimes(join(uploads, name), old, old);
      }
      await writeFile(join(uploads, 'entities-fresh.csv'), 'x');
      const oldReport = join(dataDir, 'imports', 'old-errors.csv');
      await writeFile(oldReport, 'x');
      const ancient = new Date(Date.now() - ERROR_REPORT_RETENTION_MS - 60_000);
      await utimes(oldReport, ancient, ancient);
      await writeFile(join(dataDir, 'imports', 'new-errors.csv'), 'x');
      const outcome = await purgeImportFiles(dataDir);
      expect(outcome.uploads).to.equal(2);
      expect(outcome.errorReports).to.equal(1);
      expect(await readdir(uploads)).to.deep.equal(['entities-fresh.csv']);
      expect((await readdir(join(dataDir, 'imports'))).sort()).to.deep.equal(['new-errors.csv', 'uploads']);
    });
  });

  describe('the real entry point', () => {
    after(killSpawnedApps);

    it('keeps serving after the requests that used to end it', async function () {
      this.timeout(90_000);
      const db = testDatabase();
      const appProcess = await spawnApp({ NODE_ENV: 'development', MONGODB_URI: db.uriFor(`${`hostile_${process.pid}`}`), DEMO_DATA: 'false', DATA_DIR: dataDir });
      await waitReady(appProcess);
      for (const path of ['/api/v1/draws/verify', '/verify']) {
        const res = await fetch(`${appProcess.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': MULTIPART_TYPE }, body: UNCLOSED_FILE_PART });
        expect(res.status, path).to.equal(400);
      }
      const lang = await fetch(`${appProcess.baseUrl}/`, { headers: { Cookie: 'lang=%FF' } });
      expect(lang.status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(appProcess.child.exitCode).to.equal(null);
      expect((await fetch(`${appProcess.baseUrl}/healthz`)).status).to.equal(200);
      expect(appProcess.output()).not.to.match(/uncaught|FATAL/i);
      await request(appProcess.baseUrl).get('/items').expect(200);
    });
  });
});
