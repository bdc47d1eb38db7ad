// The open-data files against the real database and the real use cases: exactly the published
// results (corrected values, never a withdrawn or unpublished one, never a private text), the
// announcements (plans and task announcements with the national publicity fields), filters,
// CSV for Excel (UTF-8 BOM, CRLF), streaming, and validators that change with publication.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { Inspection } from '../../../models/inspection.js';
import { Task } from '../../../models/task.js';
import { ANNOUNCEMENT_COLUMNS, RESULT_COLUMNS } from '../../../server/open-data/columns.js';
import { correctPublished } from '../../../server/inspections/review.js';
import { DEPARTMENT_NAME, MARK, openDataWorld, type OpenDataWorld } from './support.js';

const BOM = '\uFEFF';

function csvRows(text: string): Record<string, string>[] {
  expect(text.startsWith(BOM), 'the CSV starts with a UTF-8 byte-order mark').to.equal(true);
  return parse(text.slice(1), { columns: true }) as Record<string, string>[];
}

const get = (world: OpenDataWorld, path: string) => request(world.app).get(path).buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
});

describe('open data: the files', function () {
  this.timeout(60_000);
  let world: OpenDataWorld;
  beforeEach(async () => { world = await openDataWorld(); });
  afterEach(async () => { await world.relay.close(); });

  it('GET /open-data/results.csv, with published, corrected, withdrawn and unpublished results, lists the published ones with the corrected value, in Excel-readable CSV', async () => {
    const res = await get(world, '/open-data/results.csv').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="?results\.csv"?$/);
    expect(res.headers['access-control-allow-origin'], 'readable by other sites\' scripts').to.equal('*');
    const text = res.body as string;
    expect(text.split('\r\n')[0]).to.equal(`${BOM}${RESULT_COLUMNS.map((c) => c.key).join(',')}`);
    const rows = csvRows(text);
    expect(rows.map((r) => r.result_id).sort()).to.deep.equal([world.shown._id, world.corrected._id].sort());
    const shown = rows.find((r) => r.result_id === world.shown._id)!;
    expect(shown).to.include({
      url: `/results/${encodeURIComponent(world.shown._id)}`, year: '2026', plan_number: '洪市监〔2026〕1号', plan_name: '2026年度双随机抽查计划',
      task_name: '登记事项抽查', targeting: '不定向', inspection_type: '日常', department_code: 'HJ-SCJG', department_name: DEPARTMENT_NAME,
      credit_code: world.shown.creditCode, entity_name: world.shown.entityName, completed_on: '2026-07-24', published_on: '2026-07-24',
      result_category: 'R02', result: '未按规定公示应当公示的信息', corrected_on: '', statement_made: 'false', statement_decision: '', item_code: 'A01', item_name: '登记事项检查', item_result_category: 'R02',
    });
    expect(shown.task_number).to.match(/^T2026-/);
    const corrected = rows.find((r) => r.result_id === world.corrected._id)!;
    expect(corrected).to.include({ result_category: 'R01', result: '未发现问题', corrected_on: '2026-07-24', statement_made: 'true', statement_decision: 'accepted' });
    expect(text).to.not.include(world.withdrawn.creditCode);
    expect(text).to.not.include(world.pending.creditCode);
    expect(text).to.not.include(world.draft.creditCode);
    expect(text).to.not.include(MARK);
  });

  it('GET /open-data/results.json answers the same results as objects with their items, streamed', async () => {
    const res = await get(world, '/open-data/results.json').expect(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers['content-length'], 'streamed, not buffered').to.equal(undefined);
    const body = JSON.parse(res.body as string) as { filter: unknown; results: Record<string, unknown>[] };
    expect(body.results.map((r) => r.id).sort()).to.deep.equal([world.shown._id, world.corrected._id].sort());
    const corrected = body.results.find((r) => r.id === world.corrected._id)!;
    expect(corrected).to.deep.include({ resultCategory: 'R01', result: '未发现问题', correctedOn: '2026-07-24', departmentName: DEPARTMENT_NAME, targeting: '不定向', statement: { made: true, decision: 'accepted', answeredOn: '2026-07-24' } });
    expect(corrected.items).to.deep.equal([{ itemCode: 'A01', itemName: '登记事项检查', resultCategory: 'R02', result: '未按规定公示应当公示的信息' }]);
    expect(res.body as string).to.not.include(MARK);
  });

  it('GET /open-data/results.csv?year=&department= filters; a bad filter answers 422 naming the field', async () => {
    expect(csvRows((await get(world, '/open-data/results.csv?year=2026&department=HJ-SCJG').expect(200)).body as string)).to.have.length(2);
    expect(csvRows((await get(world, '/open-data/results.csv?year=2025').expect(200)).body as string)).to.have.length(0);
    const other = await get(world, '/open-data/results.csv?department=HJ-WJ').expect(200);
    expect(other.headers['content-disposition']).to.match(/results-HJ-WJ\.csv/);
    expect(csvRows(other.body as string)).to.have.length(0);
    const bad = await request(world.app).get('/open-data/results.json?year=twenty').set('Accept', 'application/json').expect(422);
    expect(bad.body.error.fields).to.deep.equal({ year: 'invalid_number' });
    await request(world.app).get('/open-data/announcements.csv?department=$where').set('Accept', 'application/json').expect(422);
  });

  it('streams every result of a large export, one batch at a time, in publication order', async () => {
    const template = (await Inspection.findById(world.shown._id).lean())!;
    // Only what the exports read (other fields carry unique indexes of their own).
    const copies = Array.from({ length: 1200 }, (_, i) => ({
      _id: `bulk|${String(i).padStart(5, '0')}`, state: 'published', year: 2026, departmentCode: 'HJ-SCJG', creditCode: `BULK${i}`,
      publishedAt: new Date(Date.parse('2026-08-01T00:00:00Z') + i * 1000), corrections: [],
      publication: { ...(template.publication as object), entityName: `批量企业${i}` },
    }));
    await Inspection.collection.insertMany(copies as never[]);
    const res = await get(world, '/open-data/results.csv').expect(200);
    expect(res.headers['transfer-encoding']).to.equal('chunked');
    const rows = csvRows(res.body as string);
    expect(rows).to.have.length(1202);
    expect(rows.slice(2).map((r) => r.entity_name)).to.deep.equal(copies.map((c) => c.publication.entityName));
  });

  it('carries validators that answer 304 until a correction changes what is published', async () => {
    const first = await get(world, '/open-data/results.csv').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).to.match(/^W\/".+"$/);
    expect(first.headers['last-modified']).to.be.a('string');
    await request(world.app).get('/open-data/results.csv').set('If-None-Match', etag).expect(304);
    world.clock.advance(60_000);
    await correctPublished(world.shown._id, { reason: '再次核实', resultCategory: 'R01' }, world.chen, world.settings);
    const after = await get(world, '/open-data/results.csv').set('If-None-Match', etag).expect(200);
    expect(after.headers.etag).to.not.equal(etag);
    expect(csvRows(after.body as string).find((r) => r.result_id === world.shown._id)).to.include({ result_category: 'R01' });
  });

  it('GET /open-data/announcements.csv and .json list the published plan and the task announcement with their publicity fields', async () => {
    const task = (await Task.findOne().lean())!;
    const csv = csvRows((await get(world, '/open-data/announcements.csv').expect(200)).body as string);
    expect(Object.keys(csv[0]!)).to.deep.equal(ANNOUNCEMENT_COLUMNS.map((c) => c.key));
    expect(csv.map((r) => r.kind)).to.deep.equal(['plan', 'task']);
    expect(csv[0]).to.include({ plan_number: '洪市监〔2026〕1号', plan_version: '1', inspection_type: '日常', department_name: DEPARTMENT_NAME, year: '2026', item_codes: 'A01' });
    expect(csv[0]!.url).to.equal(`/plan-announcements/${task.planKey}`);
    expect(csv[1]).to.include({ task_number: task.number, task_name: '登记事项抽查', targeting: '不定向', plan_name: '2026年度双随机抽查计划', url: `/announcements/${task._id.toString()}`, attempt: '1', phase: 'entities', inspection_date: '2026-07-24' });
    expect(csv[1]!.digest).to.match(/^[0-9a-f]{64}$/);
    expect(csv[1]!.pool_digest).to.match(/^[0-9a-f]{64}$/);
    expect(csv[1]).to.include({ pool_size: '12', commitment: '', plan_version: '', draw_at: '2026-07-23T07:39:00.000Z' });
    expect(csv[1]!.random_sources).to.match(/^drand:[0-9a-f]+:\d+$/);
    expect(csv[0]).to.include({ task_number: '', digest: '', pool_size: '', random_sources: '' });
    const json = JSON.parse((await get(world, '/open-data/announcements.json?year=2026').expect(200)).body as string) as { announcements: { kind: string; taskNumber: string; itemCodes: string[] }[] };
    expect(json.announcements.map((a) => a.kind)).to.deep.equal(['plan', 'task']);
    expect(json.announcements[1]).to.deep.include({ taskNumber: task.number, itemCodes: ['A01'], poolSize: 12 });
    expect((json.announcements[1] as unknown as { randomSources: { type: string }[] }).randomSources.map((s) => s.type)).to.deep.equal(['drand']);
    const none = JSON.parse((await get(world, '/open-data/announcements.json?department=HJ-WJ').expect(200)).body as string) as { announcements: unknown[] };
    expect(none.announcements).to.deep.equal([]);
  });

  it('HEAD /open-data/results.csv answers the headers without a body', async () => {
    const res = await request(world.app).head('/open-data/results.csv').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers.etag).to.be.a('string');
  });
});
