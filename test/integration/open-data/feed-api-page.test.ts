// The Atom feed (a correction updates its entry, a withdrawal removes it), the public JSON API
// of results (the search page's filters, corrected categories, paging, errors) and the
// /open-data page documenting every column in both languages, against the real database.
import { expect } from 'chai';
import { SaxesParser } from 'saxes';
import request from 'supertest';
import { ANNOUNCEMENT_COLUMNS, RESULT_COLUMNS } from '../../../server/open-data/columns.js';
import { LOCALES } from '../../../server/i18n/index.js';
import { withdrawPublication } from '../../../server/results/withdraw.js';
import { correctPublished } from '../../../server/inspections/review.js';
import { clearLocalPublicCache } from '../../../server/http/public-cache.js';
import { FEED_SIZE } from '../../../server/open-data/feed.js';
import { Inspection } from '../../../models/inspection.js';
import { DEPARTMENT_NAME, MARK, openDataWorld, type OpenDataWorld } from './support.js';

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

interface AtomEntry { id: string; title: string; updated: string; published: string; link: string; content: string }

/** The feed's entries, read by an XML parser (which also proves the document well-formed). */
function atomEntries(xml: string): { updated: string; entries: AtomEntry[] } {
  const parser = new SaxesParser();
  const entries: AtomEntry[] = [];
  const path: string[] = [];
  let feedUpdated = '';
  let current: Partial<AtomEntry> | null = null;
  let text = '';
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (tag.name === 'entry') current = {};
    if (tag.name === 'link' && current && tag.attributes.rel === 'alternate') current.link = String(tag.attributes.href);
  });
  parser.on('text', (t) => { text += t; });
  parser.on('closetag', (tag) => {
    path.pop();
    if (current && ['id', 'title', 'updated', 'published', 'content'].includes(tag.name)) (current as Record<string, string>)[tag.name] = text;
    if (!current && tag.name === 'updated' && path.at(-1) === 'feed') feedUpdated = text;
    if (tag.name === 'entry' && current) { entries.push(current as AtomEntry); current = null; }
  });
  parser.write(xml).close();
  return { updated: feedUpdated, entries };
}

describe('open data: the feed, the API and the page', function () {
  this.timeout(60_000);
  let world: OpenDataWorld;
  beforeEach(async () => { world = await openDataWorld(); });
  afterEach(async () => { await world.relay.close(); });

  it('GET /open-data/feed.atom lists the published results newest change first, the corrected one updated, the withdrawn one gone', async () => {
    const res = await request(world.app).get('/open-data/feed.atom').expect(200);
    expect(res.headers['content-type']).to.match(/^application\/atom\+xml/);
    expect(res.headers.etag).to.be.a('string');
    const xml = res.text;
    const { entries } = atomEntries(xml);
    expect(entries.map((e) => e.link)).to.deep.equal([world.corrected._id, world.shown._id].map((id) => `/results/${encodeURIComponent(id)}`));
    const [corrected, shown] = entries as [AtomEntry, AtomEntry];
    expect(corrected.title).to.equal(`【更正】${world.corrected.entityName}：未发现问题`);
    expect(corrected.updated).to.equal('2026-07-24T02:02:00.000Z'); // the correction's time
    expect(corrected.published).to.equal('2026-07-24T01:01:00.000Z');
    expect(corrected.content).to.include('由“未按规定公示应当公示的信息”更正为“未发现问题”').and.include(DEPARTMENT_NAME).and.include('不定向');
    expect(shown.title).to.equal(`${world.shown.entityName}：未按规定公示应当公示的信息`);
    expect(shown.id).to.equal(`urn:shuangsuiji:result:${encodeURIComponent(world.shown._id)}`);
    expect(xml).to.not.include(world.withdrawn.creditCode).and.not.include(world.pending.creditCode).and.not.include(MARK);
  });

  it('GET /open-data/feed.atom, after a withdrawal, drops the entry and moves the feed\'s updated time', async () => {
    const before = atomEntries((await request(world.app).get('/open-data/feed.atom').expect(200)).text);
    world.clock.advance(3_600_000);
    await withdrawPublication(world.shown._id, { reason: '主体信息有误' }, world.chen, world.settings);
    const after = atomEntries((await request(world.app).get('/open-data/feed.atom').expect(200)).text);
    expect(after.entries.map((e) => e.link)).to.deep.equal([`/results/${encodeURIComponent(world.corrected._id)}`]);
    expect(Date.parse(after.updated)).to.be.greaterThan(Date.parse(before.updated));
    const english = atomEntries((await request(world.app).get('/open-data/feed.atom?lang=en').expect(200)).text);
    expect(english.entries[0]!.title).to.equal(`[Corrected] ${world.corrected.entityName}: 未发现问题`);
  });

  it('GET /open-data/feed.atom keeps the newest 100 changes: an old result corrected today rises to the top', async () => {
    const template = (await Inspection.findById(world.shown._id).lean())!;
    await Inspection.collection.insertMany(Array.from({ length: FEED_SIZE + 5 }, (_, i) => ({
      _id: `bulk|${String(i).padStart(5, '0')}`, state: 'published', year: 2026, departmentCode: 'HJ-SCJG', creditCode: `BULK${i}`,
      publishedAt: new Date(Date.parse('2026-08-01T00:00:00Z') + i * 1000), corrections: [],
      publication: { ...(template.publication as object), entityName: `批量企业${i}` },
    })) as never[]);
    clearLocalPublicCache(); // inserted behind the use cases' back
    const before = atomEntries((await request(world.app).get('/open-data/feed.atom').expect(200)).text).entries;
    expect(before).to.have.length(FEED_SIZE);
    expect(before[0]!.title).to.include(`批量企业${FEED_SIZE + 4}`);
    expect(before.map((e) => e.link)).to.not.include(`/results/${encodeURIComponent(world.shown._id)}`);
    world.clock.set('2026-08-02T00:00:00Z');
    await correctPublished(world.shown._id, { reason: '复核', resultCategory: 'R01' }, world.chen, world.settings);
    const after = atomEntries((await request(world.app).get('/open-data/feed.atom').expect(200)).text).entries;
    expect(after).to.have.length(FEED_SIZE);
    expect(after[0]).to.include({ link: `/results/${encodeURIComponent(world.shown._id)}`, updated: '2026-08-02T00:00:00.000Z' });
    expect(after[1]!.title).to.include(`批量企业${FEED_SIZE + 4}`);
  });

  it('GET /api/v1/public/results pages published results with the search filters, matching corrected categories', async () => {
    const all = await request(world.app).get('/api/v1/public/results').expect(200);
    expect(all.body.results.map((r: { id: string }) => r.id)).to.deep.equal([world.corrected._id, world.shown._id]);
    expect(all.body.page).to.deep.include({ page: 1, total: 2, totalExact: true, hasNext: false });
    expect(all.headers['access-control-allow-origin']).to.equal('*');
    expect(all.headers.etag).to.be.a('string');
    await request(world.app).get('/api/v1/public/results').set('If-None-Match', all.headers.etag as string).expect(304);
    expect(all.body.results[0]).to.deep.include({ resultCategory: 'R01', result: '未发现问题', correctedOn: '2026-07-24' });
    expect(all.body.results[0].corrections).to.deep.equal([{ on: '2026-07-24', reason: '录入错误，更正为未发现问题', from: { category: 'R02', label: '未按规定公示应当公示的信息' }, to: { category: 'R01', label: '未发现问题' } }]);
    const ids = async (query: string) => (await request(world.app).get(`/api/v1/public/results?${query}`).expect(200)).body.results.map((r: { id: string }) => r.id);
    expect(await ids('category=R01')).to.deep.equal([world.corrected._id]);
    expect(await ids('category=R02')).to.deep.equal([world.shown._id]);
    expect(await ids(`q=${world.shown.creditCode}`)).to.deep.equal([world.shown._id]);
    expect(await ids(`q=${encodeURIComponent(world.shown.entityName)}`)).to.deep.equal([world.shown._id]);
    expect(await ids(`q=${world.withdrawn.creditCode}`)).to.deep.equal([]);
    expect(await ids(`q=${world.pending.creditCode}`)).to.deep.equal([]);
    expect(await ids('department=HJ-SCJG&item=A01&from=2026-07-24&to=2026-07-24')).to.have.length(2);
    expect(await ids('from=2026-07-25')).to.deep.equal([]);
    expect(await ids('department=HJ-WJ')).to.deep.equal([]);
    const paged = await request(world.app).get('/api/v1/public/results?pageSize=1&page=2').expect(200);
    expect(paged.body.results.map((r: { id: string }) => r.id)).to.deep.equal([world.shown._id]);
    expect(paged.body.page).to.deep.include({ page: 2, pages: 2 });
    expect(JSON.stringify(all.body)).to.not.include(MARK);
  });

  it('GET /api/v1/public/results with bad parameters answers 422 JSON naming each field', async () => {
    const res = await request(world.app).get('/api/v1/public/results?from=2026-13-01&pageSize=500&department=a%20b').expect(422);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.fields).to.deep.equal({ from: 'invalid_date', pageSize: 'invalid_number', department: 'invalid_department' });
    const reversed = await request(world.app).get('/api/v1/public/results?from=2026-08-01&to=2026-07-01').expect(422);
    expect(reversed.body.error.fields).to.have.property('to');
  });

  it('GET /open-data documents every file and every column in both languages, with filtered addresses', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const res = await request(world.app).get(`/open-data?lang=${lang}&year=2026&department=HJ-SCJG`).expect(200);
      const catalogue = LOCALES[lang] as Record<string, string>;
      for (const key of RESULT_COLUMNS.map((c) => c.key)) expect(res.text, `${lang} results ${key}`).to.include(`<code>${key}</code>`).and.include(html(catalogue[`openData.col.results.${key}`]!));
      for (const key of ANNOUNCEMENT_COLUMNS.map((c) => c.key)) expect(res.text, `${lang} announcements ${key}`).to.include(html(catalogue[`openData.col.announcements.${key}`]!));
      expect(res.text).to.include('href="/open-data/results.csv?year=2026&amp;department=HJ-SCJG"');
      expect(res.text).to.include('href="/open-data/feed.atom?year=2026&amp;department=HJ-SCJG"');
      expect(res.text).to.not.match(/openData\.[a-zA-Z]/);
    }
    const bad = await request(world.app).get('/open-data?year=abc').expect(422);
    expect(bad.text).to.include(html((LOCALES['zh-CN'] as Record<string, string>)['error.field.invalid_number']!));
  });
});
