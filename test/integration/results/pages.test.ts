// The public result pages over HTTP on results published through the real use cases: the
// search (by credit code, by part of the name, by department, item, result and publication
// days; bad values answered with field messages, never a 500; stable page links), one result
// with its national publicity fields, an entity's page, 抽查计划公告 with every published
// version, the home page — and nothing unpublished, and no inspector's name, on any of them.
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { Inspector } from '../../../models/inspector.js';
import { amendPlan, publishPlan, createPlan } from '../../../server/plans/plans.js';
import { Plan } from '../../../models/plan.js';
import { MARKER, rawKeys, resultsApp, resultsWorld, type ResultsWorld } from './support.js';

async function page(w: ResultsWorld, path: string, status = 200): Promise<string> {
  const res = await request(w.app).get(path).expect(status);
  expect(rawKeys(res.text), `raw message keys on ${path}`).to.deep.equal([]);
  expect(res.text, `marker on ${path}`).not.to.include(MARKER);
  return res.text;
}
const rows = (html: string) => [...html.matchAll(/data-result="([^"]+)"/g)].map((m) => m[1]);

describe('public result pages', () => {
  let w: ResultsWorld;
  beforeEach(async () => { w = await resultsWorld(); });
  afterEach(async () => { await w.relay.close(); });

  it('GET /results lists the published results, newest first, and none of the unpublished', async () => {
    const html = await page(w, '/results');
    expect(rows(html)).to.deep.equal([w.shown[1]!._id, w.shown[0]!._id]);
    for (const hidden of w.hidden) expect(html).not.to.include(hidden.creditCode);
    expect(html).to.include(w.shown[0]!.publication.resultLabel);
  });

  it('GET /results?q= finds a result by its full credit code (any case) and by part of the entity name', async () => {
    const [first, second] = w.shown as [typeof w.shown[0], typeof w.shown[0]];
    expect(rows(await page(w, `/results?q=${first.creditCode.toLowerCase()}`))).to.deep.equal([first._id]);
    const part = (second.entityName as string).slice(1, 4);
    expect(rows(await page(w, `/results?q=${encodeURIComponent(part)}`))).to.include(second._id);
    const none = await page(w, `/results?q=${encodeURIComponent('不存在的名称XYZ')}`);
    expect(rows(none)).to.deep.equal([]);
    expect(none).to.include('没有符合条件的已公示结果');
    // A hidden entity's own code finds nothing.
    expect(rows(await page(w, `/results?q=${w.hidden[0]!.creditCode}`))).to.deep.equal([]);
  });

  it('filters by department, item, result category and publication days, and keeps the filters in the page links', async () => {
    const day = w.shown[0]!.publication.publishedOn as string;
    expect(rows(await page(w, '/results?department=HJ-SCJG&item=A01&result=R02'))).to.have.length(2);
    expect(rows(await page(w, '/results?department=HJ-WJ'))).to.deep.equal([]);
    expect(rows(await page(w, '/results?result=R01'))).to.deep.equal([]);
    expect(rows(await page(w, `/results?from=${day}&to=${day}`))).to.have.length(2);
    expect(rows(await page(w, '/results?from=2030-01-01'))).to.deep.equal([]);
    const html = await page(w, '/results?department=HJ-SCJG&result=R02');
    expect(html).to.match(/<option value="R02" selected>/);
  });

  it('bad query values are answered 422 with a message next to the field, never a 500', async () => {
    for (const [query, message] of [
      ['page=abc', '页码'], ['page=0', '页码'], ['from=2026-02-30', '日期'], ['to=tomorrow', '日期'],
      ['from=2026-08-01&to=2026-07-01', '结束日期不能早于开始日期'], ['department=%3Cscript%3E', '部门'], [`q=${'x'.repeat(101)}`, '市场主体名称'],
      ['result=%24ne', '检查结果'], ['item=A01&item=A02', '抽查事项'],
    ] as const) {
      const html = await page(w, `/results?${query}`, 422);
      expect(html, query).to.include('data-error-summary').and.include(message);
      expect(rows(html), query).to.deep.equal([]);
    }
    // Bracket syntax is no operator (the simple query parser): an unknown parameter, ignored.
    expect(rows(await page(w, '/results?result[$ne]=R01'))).to.have.length(2);
  });

  it('GET /results/:id shows the national publicity fields and no inspector; an unpublished one is 404', async () => {
    const shown = w.shown[0]!;
    const html = await page(w, `/results/${encodeURIComponent(shown._id)}`);
    const p = shown.publication as Record<string, string>;
    for (const fact of [p.planNumber, p.planName, p.taskNumber, p.taskName, p.departmentName, p.completedOn, p.publishedOn, shown.creditCode, '未按规定公示应当公示的信息']) {
      expect(html, fact).to.include(fact);
    }
    expect(html).to.match(/data-fact="targeting">(定向抽查|不定向抽查)</);
    const team = await Inspector.find({ inspectorId: mongoose.trusted({ $in: shown.team }) }).lean();
    expect(team).to.have.length(2);
    for (const person of team) expect(html).not.to.include(person.name);
    for (const hidden of w.hidden) await page(w, `/results/${encodeURIComponent(hidden._id)}`, 404);
    await page(w, `/results/${'x'.repeat(400)}`, 404);
  });

  it('GET /results/:id names the inspectors only when PUBLIC_RESULTS_SHOW_INSPECTORS is on', async () => {
    const app = resultsApp(w, { showInspectors: true });
    const shown = w.shown[0]!;
    const html = (await request(app).get(`/results/${encodeURIComponent(shown._id)}`).expect(200)).text;
    const team = await Inspector.find({ inspectorId: mongoose.trusted({ $in: shown.team }) }).lean();
    for (const person of team) expect(html).to.include(person.name);
  });

  it('GET /entities/:creditCode lists the entity\'s published inspections; an entity with none published, or a bad code, is 404', async () => {
    const shown = w.shown[0]!;
    const html = await page(w, `/entities/${shown.creditCode}`);
    expect(rows(html)).to.deep.equal([shown._id]);
    expect(html).to.include(shown.entityName as string);
    await page(w, `/entities/${w.hidden[0]!.creditCode}`, 404);
    await page(w, '/entities/not-a-code', 404);
  });

  it('GET /plan-announcements lists published plans only; a plan page shows every published version', async () => {
    const plan = (await Plan.findOne({ publishedAt: mongoose.trusted({ $exists: true }) }).lean())!;
    const draft = await createPlan({ year: 2026, number: '洪市监〔2026〕99号', name: `${MARKER} 草稿计划`, leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: ['A01'] } as never, w.chen);
    let html = await page(w, '/plan-announcements');
    expect(html).to.include(plan.number).and.include(`/plan-announcements/${plan.planKey}`);
    await page(w, `/plan-announcements/${draft.planKey}`, 404);
    await amendPlan(plan.planKey, { name: '2026年度双随机抽查计划（调整）' }, '增加抽查批次', w.chen);
    await publishPlan(plan.planKey, w.chen, w.clock.now());
    html = await page(w, `/plan-announcements/${plan.planKey}`);
    expect(html).to.include('第 2 版').and.include('第 1 版').and.include('增加抽查批次').and.include('（调整）').and.include(plan.name);
    await page(w, '/plan-announcements/zzz', 404);
  });

  it('GET / shows the latest results, task announcements and plans, and the number of published results', async () => {
    const html = await page(w, '/');
    expect(html).to.match(/data-value="2" data-stat="results"/);
    expect(rows(html)).to.deep.equal([w.shown[1]!._id, w.shown[0]!._id]);
    expect(html).to.include(`/announcements/${String(w.shown[0]!.taskId)}`).and.include('/plan-announcements/');
  });

  it('every public page reads in English with ?lang=en, without raw keys', async () => {
    const shown = w.shown[0]!;
    for (const path of ['/', '/results', `/results/${encodeURIComponent(shown._id)}`, `/entities/${shown.creditCode}`, '/plan-announcements']) {
      const html = await page(w, `${path}?lang=en`);
      expect(html, path).to.include('<html lang="en">');
    }
    expect(await page(w, '/results?lang=en')).to.include('Inspection results');
  });
});
