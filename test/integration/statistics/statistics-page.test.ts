// The public statistics page (/statistics) against the real app and database: the figures are
// those of the published, not withdrawn, results of the year (computed here from the fixture),
// every chart is an SVG image with a title and a description, the numbers are repeated in
// tables, coverage compares with the plan's ratio, and nothing unpublished shows.
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../../helpers/app.js';
import { MARKER, seedStatistics as seed, type InspectionFixture } from './fixtures.js';

const cellsOf = (html: string, table: string) => {
  const body = new RegExp(`data-table="${table}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((row) => [...(row[1] as string).matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => (c[1] as string).trim()));
};

describe('GET /statistics', () => {
  it('without a filter, counts the year\'s published results and draws every chart as an SVG image', async () => {
    const world = await seed();
    const res = await request(testApp({ now: () => new Date('2026-11-30T04:00:00Z') })).get('/statistics?year=2026').expect(200);
    const html = res.text;
    expect(html).to.not.include(MARKER);
    expect(html).to.not.match(/>\s*(stats|supervision|role)\.[a-zA-Z]/); // no raw message keys
    const total = world.fixtures.length;
    expect(html).to.match(new RegExp(`data-stat="total" data-value="${total}"`));
    // Every chart: an <svg role="img"> labelled by its own <title> and <desc>.
    const charts = [...html.matchAll(/<svg class="chart"[^>]*aria-labelledby="([^"]+)"[^>]*data-chart="([^"]+)"/g)];
    expect(charts.map((c) => c[2])).to.include.members(['chart-months', 'chart-categories', 'chart-coverage-riskClass', 'chart-coverage-industry', 'chart-coverage-region', 'chart-timeliness']);
    for (const chart of charts) {
      const [titleId, descId] = (chart[1] as string).split(' ');
      expect(html).to.include(`<title id="${titleId}">`);
      expect(html).to.include(`<desc id="${descId}">`);
    }
    expect(html).to.match(/<svg class="chart"[^>]*role="img"/);
    // Months: the table repeats the counts per month of completion.
    const months = cellsOf(html, 'months');
    const perMonth = (m: number) => world.fixtures.filter((f) => Number(f.completedOn!.slice(5, 7)) === m).length;
    expect(months.map((r) => Number(r[1]))).to.deep.equal(Array.from({ length: 12 }, (_, i) => perMonth(i + 1)));
    // Categories, most frequent first.
    const categories = cellsOf(html, 'categories');
    // As the public sees them: a corrected result counts in its corrected category.
    const current = (f: InspectionFixture) => f.correctedTo?.code ?? f.resultCategory;
    expect(categories[0]).to.include('未发现问题');
    expect(Number(categories[0]![1])).to.equal(world.fixtures.filter((f) => current(f) === 'NONE').length);
    expect(Number(categories.find((r) => r[0] === '发现问题已责令改正')![1])).to.equal(world.fixtures.filter((f) => current(f) === 'FIXED').length);
    expect(html).to.match(new RegExp(`data-stat="corrected" data-value="${world.fixtures.filter((f) => f.correctedTo).length}"`));
    // Coverage of class D against the plan's 30 %: inspected D entities / drawable D entities.
    const risk = cellsOf(html, 'coverage-riskClass');
    const d = risk.find((r) => r[0]!.startsWith('D'))!;
    const inspectedD = world.fixtures.filter((f) => world.codes.D.includes(f.creditCode)).length;
    expect(Number(d[1])).to.equal(world.pool.D);
    expect(Number(d[2])).to.equal(inspectedD);
    expect(d[3]).to.equal(`${Math.round((inspectedD / world.pool.D) * 1000) / 10}%`);
    expect(d[4]).to.equal('30%');
    const a = risk.find((r) => r[0]!.startsWith('A'))!;
    expect(Number(a[2])).to.equal(world.fixtures.filter((f) => world.codes.A.includes(f.creditCode)).length);
    expect(a[4]).to.not.match(/%$/); // no plan ratio for class A
    // Timeliness: published on or before the due day.
    const onTime = world.fixtures.filter((f) => f.publishedOn! <= f.publishDueOn!).length;
    const share = Math.round((onTime / total) * 1000) / 10;
    expect(html).to.include(`data-stat="on-time" data-value="${onTime / total}"`);
    expect(html).to.include(`${share}%`);
  });

  it('with a department, counts only that department\'s results', async () => {
    const world = await seed();
    const res = await request(testApp()).get('/statistics?year=2026&department=HJ-WJ').expect(200);
    const expected = world.fixtures.filter((f) => f.departmentCode === 'HJ-WJ').length;
    expect(res.text).to.match(new RegExp(`data-stat="total" data-value="${expected}"`));
    expect(res.text).to.include('洪江区卫生健康局');
  });

  it('with a year that is not one, answers 422 naming the field, in English too', async () => {
    await seed();
    const zh = await request(testApp()).get('/statistics?year=20x6').expect(422);
    expect(zh.text).to.include('请选择 2000–2100 之间的年份');
    const en = await request(testApp()).get('/statistics?year=1800&lang=en').expect(422);
    expect(en.text).to.include('Choose a year between 2000 and 2100');
  });
});
