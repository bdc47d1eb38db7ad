import { expect } from 'chai';
import { MarketEntity, ImportRun } from '../../models/index.js';
import { ENTITY_HEADER, entityRow } from '../helpers/sample-files.js';
import { generateEntity } from '../../server/demo/generate-world.js';
import { getImportRun } from '../../server/import/index.js';
import { signInAs, ensureDepartment, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';

const WORLD = { seed: 'web-import', entities: 0, asOf: '2026-11-27' };

function csv(rows: string[][]): Buffer {
  return Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\n')}\n`, 'utf8');
}

async function finished(runId: string) {
  for (let i = 0; i < 200; i += 1) {
    const run = await getImportRun(runId);
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('import did not finish');
}

describe('roster import pages and API', () => {
  const app = testApp();
  let admin: SignedIn;

  beforeEach(async () => {
    await ensureDepartment();
    admin = await signInAs(app, 'admin');
  });

  it('POST /admin/imports stores good rows, shows progress and offers the error report for bad ones', async () => {
    const good = [0, 1, 2].map((i) => entityRow(generateEntity(WORLD, i)));
    const bad = entityRow(generateEntity(WORLD, 3));
    bad[0] = `${bad[0]!.slice(0, 17)}${bad[0]!.endsWith('0') ? '1' : '0'}`; // wrong check digit
    const res = await admin.agent
      .post('/admin/imports')
      .field('_csrf', admin.csrf)
      .field('kind', 'entities')
      .field('encoding', '')
      .attach('file', csv([[...ENTITY_HEADER], ...good, bad]), 'entities.csv')
      .expect(303);
    const runId = res.headers.location!.split('/').pop()!;
    const run = await finished(runId);
    expect(run.status).to.equal('completed');
    expect(run.progress.counts).to.include({ read: 4, inserted: 3, rejected: 1 });
    expect(await MarketEntity.countDocuments()).to.equal(3);
    expect(run.startedBy).to.include({ username: admin.username, via: 'web' });

    const page = await admin.agent.get(`/admin/imports/${runId}`).expect(200);
    expect(page.text).to.include('已完成').and.include('校验位');
    const report = await admin.agent.get(`/admin/imports/${runId}/errors.csv`).expect(200);
    expect(report.headers['content-type']).to.match(/text\/csv/);
    expect(report.text).to.include(bad[0]);

    const list = await admin.agent.get('/admin/imports').expect(200);
    expect(list.text).to.include(`data-run="${runId}"`);
  });

  it('a file missing a required column is refused at once with 422 naming the column, and nothing is written', async () => {
    const header = ENTITY_HEADER.filter((h: string) => h !== '统一社会信用代码');
    const res = await admin.agent
      .post('/admin/imports')
      .field('_csrf', admin.csrf)
      .field('kind', 'entities')
      .attach('file', csv([header, ['x']]), 'bad.csv')
      .expect(422);
    expect(res.text).to.include('统一社会信用代码');
    expect(await MarketEntity.countDocuments()).to.equal(0);
  });

  it('an unknown kind or no file answers 422 with the field message', async () => {
    const noKind = await admin.agent
      .post('/admin/imports')
      .field('_csrf', admin.csrf)
      .field('kind', 'users')
      .attach('file', csv([['a']]), 'x.csv')
      .expect(422);
    expect(noKind.text).to.include('请从列表中选择');
    const noFile = await admin.agent.post('/admin/imports').field('_csrf', admin.csrf).field('kind', 'entities').expect(422);
    expect(noFile.text).to.include('请选择要上传的文件');
  });

  it('a failed upload shows the field message in the page language, keeps the choices, and posts to the clean action with the token as its first field', async () => {
    for (const [lang, message, label] of [['zh-CN', '请选择要上传的文件', '文件'], ['en', 'Choose a file to upload', 'File']] as const) {
      await admin.agent.get(`/admin/imports?lang=${lang}`).expect(200);
      const page = await admin.agent.post('/admin/imports').field('_csrf', admin.csrf).field('kind', 'inspectors').field('encoding', 'gb18030').field('dryRun', 'on').expect(422);
      expect(page.text).to.include(message).and.include(`${label}:`);
      expect(page.text).to.not.match(/error\.field|field\.file|imports\.file/);
      expect(page.text).to.match(/<option value="inspectors" selected>/).and.match(/<option value="gb18030" selected>/).and.match(/name="dryRun"[^>]* checked/);
      expect(page.text).to.include('action="/admin/imports"').and.not.include('_csrf=');
      expect(page.text).to.match(/enctype="multipart\/form-data" novalidate>\s*<input type="hidden" name="_csrf"/);
    }
  });

  it('a malformed or cut-off multipart body without a token header answers 403, never 500, and the app goes on', async () => {
    const raw = (body: string | Buffer, type = 'multipart/form-data; boundary=xyz') => admin.agent.post('/admin/imports').set('Content-Type', type).send(body);
    await raw('--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n' + admin.csrf).expect(403);
    await raw(Buffer.from([0, 255, 13, 10, 45, 45, 120])).expect(403);
    await raw('--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nforged\r\n--xyz--\r\n').expect(403);
    await raw('no boundary', 'multipart/form-data').expect(403);
    await admin.agent.get('/admin/imports').expect(200);
  });

  it('a token in the address or after the file is not accepted for an upload', async () => {
    await admin.agent.post(`/admin/imports?_csrf=${encodeURIComponent(admin.csrf)}`).field('kind', 'entities').attach('file', csv([[...ENTITY_HEADER]]), 'x.csv').expect(403);
    await admin.agent.post('/admin/imports').field('kind', 'entities').attach('file', csv([[...ENTITY_HEADER]]), 'x.csv').field('_csrf', admin.csrf).expect(403);
    expect(await ImportRun.countDocuments()).to.equal(0);
  });

  it('an upload without the CSRF token is refused and starts nothing', async () => {
    await admin.agent.post('/admin/imports').field('kind', 'entities').attach('file', csv([[...ENTITY_HEADER]]), 'x.csv').expect(403);
    expect(await ImportRun.countDocuments()).to.equal(0);
  });

  it('POST /api/v1/imports/:kind answers 202 with the run; GET /api/v1/imports/:id reports progress; unknown runs 404', async () => {
    const rows = [0, 1].map((i) => entityRow(generateEntity(WORLD, 10 + i)));
    const res = await admin.agent
      .post('/api/v1/imports/entities')
      .set('X-CSRF-Token', admin.csrf)
      .attach('file', csv([[...ENTITY_HEADER], ...rows]), 'api.csv')
      .expect(202);
    expect(res.headers.location).to.equal(`/api/v1/imports/${res.body.runId}`);
    await finished(res.body.runId);
    const run = await admin.agent.get(`/api/v1/imports/${res.body.runId}`).expect(200);
    expect(run.body.run.progress.counts).to.include({ read: 2, inserted: 2, rejected: 0 });
    expect(run.body.run.startedBy.via).to.equal('api');
    await admin.agent.get('/api/v1/imports/000000000000000000000000').expect(404);
    const bad = await admin.agent.post('/api/v1/imports/users').set('X-CSRF-Token', admin.csrf).attach('file', csv([['a']]), 'x.csv').expect(422);
    expect(bad.body.error.fields).to.have.property('kind');
  });

  it('a supervisor cannot import', async () => {
    const supervisor = await signInAs(app, 'supervisor');
    await supervisor.agent.get('/admin/imports').expect(403);
  });
});
