// Replays, against the real app and database, every request of the hardening report (issue 8)
// that used to crash the process or answer 500 — each with variants — and checks the
// documented 4xx, that nothing was stored, and that the app still answers afterwards.
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Attachment, DrawRun, ImportRun, MarketEntity, User } from '../../models/index.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { ENTITY_HEADER, entityRow } from '../helpers/sample-files.js';
import { generateEntity } from '../../server/demo/generate-world.js';
import { MAX_RECORD_BYTES } from '../../server/routes/verify.js';
import { testApp } from '../helpers/app.js';
import { ensureDepartment, signInAs, type SignedIn } from '../helpers/auth.js';
import { createEntity } from '../helpers/factories.js';
import { pageOf, pagesWorld, postForm } from '../integration/inspections/support.js';
import { BOUNDARY, expectClientError, multipart, MULTIPART_TYPE, UNCLOSED_FILE_PART, workbook } from './helpers.js';

const WORLD = { seed: 'hostile', entities: 0, asOf: '2026-11-27' };
const entityCsv = (rows: string[][]) => [ENTITY_HEADER.join(','), ...rows.map((r) => r.join(','))].join('\r\n');

/** A route that reads a multipart upload, with what it needs to get past access control and CSRF. */
interface UploadRoute {
  name: string;
  send: (app: Express) => request.Test;
  field: string;
  json: boolean;
  /** A POST without a multipart body is another action of the route (verify the published record), not a 415. */
  otherActionWithoutUpload?: boolean;
}

/** The upload routes; with `world` also the draw page's verify upload and an inspection's attachment upload (needing a checked-in inspection and a member signed in). */
function uploadRoutes(admin: SignedIn, world?: UploadWorld): UploadRoute[] {
  const routes: UploadRoute[] = [
    { name: 'POST /api/v1/draws/verify', send: (app) => request(app).post('/api/v1/draws/verify'), field: 'record', json: true },
    { name: 'POST /verify', send: (app) => request(app).post('/verify'), field: 'record', json: false },
    { name: 'POST /api/v1/imports/entities', send: () => admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf), field: 'file', json: true },
    { name: 'POST /admin/imports', send: () => admin.agent.post('/admin/imports').set('X-CSRF-Token', admin.csrf), field: 'file', json: false },
  ];
  if (world) {
    routes.push(
      { name: 'POST /announcements/:id/runs/:run/verify', send: () => request(world.app).post(world.drawVerifyPath), field: 'record', json: false, otherActionWithoutUpload: true },
      { name: 'POST /inspections/:id/attachments', send: () => world.member.agent.post(world.attachmentsPath).set('X-CSRF-Token', world.member.csrf), field: 'file', json: false },
    );
  }
  return routes;
}

interface UploadWorld { app: Express; drawVerifyPath: string; attachmentsPath: string; member: SignedIn; close(): Promise<void> }

/** A locked draw whose first inspection is approved and checked in, so its team may upload attachments. */
async function uploadWorld(): Promise<UploadWorld> {
  const w = await pagesWorld();
  const page = pageOf(w.first._id);
  await postForm(w.chenUser, `${page}/approve`, { mode: 'desk' }).expect(303);
  const code = (await Inspection.findById(w.first._id).lean<InspectionRecord>())!.checkCode!;
  await postForm(w.a, `${page}/check-in`, { code, present: [...w.first.team] }).expect(303);
  const run = (await DrawRun.findOne({ key: w.runKey }).lean()) ?? (await DrawRun.findOne({}).lean());
  return {
    app: w.app, member: w.a, attachmentsPath: `${page}/attachments`,
    drawVerifyPath: `/announcements/${run!.taskId.toString()}/runs/${run!._id.toString()}/verify`,
    close: () => w.relay.close(),
  };
}

describe('hostile requests (issue 8 replay)', () => {
  let app: Express;
  let admin: SignedIn;

  beforeEach(async () => {
    app = testApp();
    admin = await signInAs(app, 'admin');
  });

  afterEach(async () => {
    // Whatever happened, the app still answers and nothing half-written is left behind.
    await request(app).get('/healthz').expect(200);
  });

  describe('uploads that are cut off or malformed answer 400, never end the process', () => {
    let world: UploadWorld;
    beforeEach(async () => { world = await uploadWorld(); });
    afterEach(async () => {
      await request(world.app).get('/healthz').expect(200);
      await world.close();
    });

    const bodies: Record<string, Buffer> = {
      'a file part that is never closed (the report)': UNCLOSED_FILE_PART,
      'part headers that never end': Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="record"; filename="r.json"\r\nContent-Type: app`),
      'a truncated text field': Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nentit`),
      'random bytes': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
      'a file part of the other field left open': Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n统一社会信用代码\r\n`),
    };
    for (const [label, body] of Object.entries(bodies)) {
      it(`${label}: each upload route answers 400 malformed_multipart and stores nothing`, async () => {
        for (const route of uploadRoutes(admin, world)) {
          const res = await route.send(app).set('Content-Type', MULTIPART_TYPE).send(body);
          expect(res.status, `${route.name}: ${res.text.slice(0, 300)}`).to.equal(400);
          expectClientError(res, 400, route.json ? 'malformed_multipart' : undefined);
        }
        expect(await ImportRun.countDocuments()).to.equal(0);
        expect(await Attachment.countDocuments()).to.equal(0);
      });
    }

    it('a multipart content type without a boundary answers 400; a body that is not multipart 415', async () => {
      for (const route of uploadRoutes(admin, world)) {
        expectClientError(await route.send(app).set('Content-Type', 'multipart/form-data').send('x'), 400);
        if (!route.otherActionWithoutUpload) expectClientError(await route.send(app).set('Content-Type', 'text/plain').send('x'), 415);
      }
    });

    it('a file name with a NUL byte (or another control character) answers 400 invalid_file_name', async () => {
      for (const route of uploadRoutes(admin, world)) {
        for (const name of ['r\u0000.json', 'r\u001b.json', 'r\u007f.json']) {
          const body = multipart({ kind: 'entities' }, { field: route.field, name, content: '{"a":1}' });
          const res = await route.send(app).set('Content-Type', MULTIPART_TYPE).send(body);
          expectClientError(res, 400);
          // busboy refuses some such headers itself; either way the code says what is wrong.
          if (route.json) expect(res.body.error.code).to.be.oneOf(['invalid_file_name', 'malformed_multipart']);
        }
      }
      expect(await ImportRun.countDocuments()).to.equal(0);
      expect(await Attachment.countDocuments()).to.equal(0);
    });

    it('too many text fields before the file, or an over-long field, answer 413', async () => {
      const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x']));
      const res = await request(app).post('/api/v1/draws/verify').set('Content-Type', MULTIPART_TYPE)
        .send(multipart(many, { field: 'record', name: 'r.json', content: '{}' }));
      expectClientError(res, 413, 'payload_too_large');
      const long = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).set('Content-Type', MULTIPART_TYPE)
        .send(multipart({ encoding: 'x'.repeat(5000) }, { field: 'file', name: 'a.csv', content: 'a' }));
      expectClientError(long, 413, 'payload_too_large');
    });
  });

  describe('bodies the parsers refuse keep their 4xx', () => {
    it('JSON in latin1 and a form in UTF-7 answer 415', async () => {
      expectClientError(await request(app).post('/login').set('Content-Type', 'application/json; charset=latin1').send('{"username":"a"}'), 415, undefined);
      expectClientError(await request(app).post('/login').set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-7').send('username=a'), 415);
      const api = await request(app).post('/api/v1/draws/verify').set('Content-Type', 'application/json; charset=latin1').send('{}');
      expectClientError(api, 415, 'unsupported_media_type');
    });

    for (const encoding of ['compress', 'x-foo', 'identity, gzip', 'br, br']) {
      it(`Content-Encoding: ${encoding} answers 415`, async () => {
        const res = await request(app).post('/api/v1/draws/verify').set('Content-Type', 'application/json').set('Content-Encoding', encoding).send('{}');
        expectClientError(res, 415, 'unsupported_media_type');
        expectClientError(await request(app).post('/login').type('form').set('Content-Encoding', encoding).send('username=a'), 415);
      });
    }

    it('more than 100 form fields answer 413 too_many_parameters', async () => {
      const body = Array.from({ length: 150 }, (_, i) => `f${i}=x`).join('&');
      expectClientError(await request(app).post('/login').type('form').send(body), 413);
      const api = await request(app).post('/api/v1/draws/verify').type('form').set('Accept', 'application/json').send(body);
      expectClientError(api, 413, 'too_many_parameters');
    });

    it('a JSON body that is not JSON answers 422 with a field message, a gzip body that is not gzip 400', async () => {
      const res = await request(app).post('/api/v1/draws/verify').set('Content-Type', 'application/json').send('{"a":');
      expect(res.status).to.equal(422);
      const gz = await request(app).post('/api/v1/draws/verify').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('not gzip');
      expectClientError(gz, 400);
    });
  });

  describe('an unreadable language cookie is ignored', () => {
    for (const cookie of ['lang=%FF', 'lang=%', 'lang=%E4%B8', 'lang=en%00', 'lang="en']) {
      it(`Cookie: ${cookie} → pages answer 200 in the default language`, async () => {
        for (const path of ['/', '/items', '/inspectors', '/verify', '/login']) {
          const res = await request(app).get(path).set('Cookie', cookie);
          expect(res.status, `${path} with ${cookie}`).to.equal(200);
          expect(res.text).to.include('lang="zh-CN"');
        }
      });
    }
  });

  describe('import files shaped as attacks', () => {
    beforeEach(async () => {
      await ensureDepartment('HJ-SCJG');
    });

    async function waitForRun(runId: string) {
      for (let i = 0; i < 100 && (await ImportRun.findById(runId).lean())?.status === 'running'; i += 1) await new Promise((r) => setTimeout(r, 100));
    }

    async function importFile(content: Buffer | string, name: string) {
      return admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf).attach('file', Buffer.from(content), name);
    }

    it('a CSV header of 1.5 million columns answers 422 naming the column limit, and no run stores the header', async () => {
      const res = await importFile(Array.from({ length: 1_500_000 }, () => 'a').join(','), 'wide.csv');
      expectClientError(res, 422, 'import_file_invalid');
      expect(res.body.error.message).to.match(/500 列的上限/);
      const runs = await ImportRun.find({}).lean();
      expect(runs.every((run) => (run.unknownColumns ?? []).length <= 500)).to.equal(true);
    });

    it('a CSV header of 600 columns, or a data row of 2 million characters, answers 422', async () => {
      const header = [...ENTITY_HEADER, ...Array.from({ length: 600 - ENTITY_HEADER.length }, (_, i) => `备注${i}`)].join(',');
      const wide = await importFile(`${header}\r\n`, 'wide600.csv');
      expectClientError(wide, 422);
      expect(wide.body.error.message).to.match(/500 列/);
      const longRow = await importFile(`${ENTITY_HEADER.join(',')}\r\n${'x'.repeat(2_000_000)}\r\n`, 'long.csv');
      // The file is accepted (202) and its long row ends the run as a file error, or refused at once.
      expect([202, 422]).to.include(longRow.status);
      expect(await MarketEntity.countDocuments()).to.equal(0);
    });

    it('CSV headers holding a control character (\\x01) or a NUL are reported escaped: the stored run holds no control character', async () => {
      for (const [name, header] of [['ctl.csv', '备\x01注'], ['nul.csv', '备\x00注']] as const) {
        const row = entityRow(generateEntity(WORLD, 1));
        const res = await importFile(`${[...ENTITY_HEADER, header].join(',')}\r\n${[...row, 'x'].join(',')}\r\n`, name);
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(202);
        const escaped = `备\\u000${header.charCodeAt(1)}注`;
        expect(res.body.unknownColumns).to.deep.equal([escaped]);
        await waitForRun(res.body.runId);
        const run = await ImportRun.findById(res.body.runId).lean();
        expect(run?.unknownColumns).to.deep.equal([escaped]);
        expect(run?.unknownColumns?.filter((c) => /[\u0000-\u001F\u007F-\u009F]/.test(c))).to.deep.equal([]);
      }
    });

    it('an XLSX without cell references answers 422 saying what is wrong, not a JavaScript error', async () => {
      const file = await workbook('<row><c t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>');
      const res = await importFile(file, 'norefs.xlsx');
      expectClientError(res, 422, 'import_file_invalid');
      expect(res.body.error.message).to.match(/位置引用/);
      expect(res.body.error.message).not.to.match(/undefined|Cannot|TypeError/);
      const page = await admin.agent.post('/admin/imports').set('X-CSRF-Token', admin.csrf).field('kind', 'entities').attach('file', file, 'norefs.xlsx');
      expect(page.status).to.equal(422);
      expect(page.text).to.match(/位置引用/);
    });

    it('an XLSX row of 100,000 cells answers 422 naming the column limit', async () => {
      const cells = Array.from({ length: 100_000 }, (_, i) => `<c r="A${i}" t="inlineStr"><is><t>x</t></is></c>`).join('');
      const res = await importFile(await workbook(`<row r="1">${cells}</row>`), 'widerow.xlsx');
      expectClientError(res, 422);
      expect(res.body.error.message).to.match(/500 列/);
    });

    it('a file that is not a zip but starts like one answers 422', async () => {
      const res = await importFile(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]), 'fake.xlsx');
      expectClientError(res, 422, 'import_file_invalid');
    });

    it('two imports of the same file at once: one is accepted, the other answers 409 naming it', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => entityRow(generateEntity(WORLD, i)));
      const file = Buffer.from(entityCsv(rows));
      const [a, b] = await Promise.all([importFile(file, 'same.csv'), importFile(file, 'same.csv')]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).to.deep.equal([202, 409]);
      const accepted = a.status === 202 ? a : b;
      const refused = a.status === 409 ? a : b;
      expect(refused.body.error.code).to.equal('import_running');
      expect(refused.body.error.details.runId).to.equal(accepted.body.runId);
      expect(refused.body.error.message).to.include(accepted.body.runId);
      const runs = await ImportRun.find({ dryRun: false }).lean();
      expect(runs.filter((run) => run.status !== 'failed')).to.have.length(1);
    });
  });

  describe('draw record uploads are bounded', () => {
    it(`a record over ${MAX_RECORD_BYTES / 1048576} MiB answers 413 while it streams`, async () => {
      const body = multipart({}, { field: 'record', name: 'big.json', content: Buffer.alloc(MAX_RECORD_BYTES + 1024, 0x20) });
      expectClientError(await request(app).post('/api/v1/draws/verify').set('Content-Type', MULTIPART_TYPE).send(body), 413, 'payload_too_large');
    });

    it('an empty record file answers 422, a record that is not JSON is reported, not thrown', async () => {
      const empty = await request(app).post('/api/v1/draws/verify').set('Content-Type', MULTIPART_TYPE).send(multipart({}, { field: 'record', name: 'e.json', content: '' }));
      expect(empty.status).to.equal(422);
      const garbage = await request(app).post('/api/v1/draws/verify').set('Content-Type', MULTIPART_TYPE).send(multipart({}, { field: 'record', name: 'g.json', content: '\u0000\u0001' }));
      expect(garbage.status).to.equal(200);
      expect(garbage.body.result.ok).to.equal(false);
    });
  });

  describe('text that must never be stored', () => {
    it('a NUL in an entity name or a lone surrogate in a display name is refused with a field message', async () => {
      await ensureDepartment('HJ-SCJG');
      const entity = await createEntity();
      const page = await admin.agent.get(`/admin/entities/${entity.creditCode}/edit`).expect(200);
      const form = Object.fromEntries([...page.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&amp;/g, '&')]));
      const res = await admin.agent.post(`/admin/entities/${entity.creditCode}`).type('form').send({ ...form, _csrf: admin.csrf, name: 'A\u0000B' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('不能包含控制字符');
      expect((await MarketEntity.findById(entity._id).lean())?.name).to.equal(entity.name);

      // A form cannot carry a lone surrogate (invalid UTF-8 decodes to U+FFFD); JSON can ("\\ud800").
      const created = await admin.agent.post('/admin/users').set('X-CSRF-Token', admin.csrf)
        .send({ _csrf: admin.csrf, username: 'surrogate', displayName: 'X\uD800Y', role: 'admin', departmentCode: 'HJ-SCJG', password: 'Correct-Horse-9', passwordConfirm: 'Correct-Horse-9' });
      expect(created.status).to.equal(422);
      expect(await User.countDocuments({ username: 'surrogate' })).to.equal(0);
    });

    it('the models refuse control characters whatever writes them (backstop)', async () => {
      const error = await createEntity({ name: 'A\u0007B' }).catch((e: unknown) => e);
      expect((error as { name?: string }).name).to.equal('ValidationError');
      expect((error as { errors: Record<string, { message: string }> }).errors.name?.message).to.equal('control_character');
    });
  });
});
