import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PROJECT_ROOT } from '../../server/paths.js';
import { testApp } from '../helpers/app.js';

const golden = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'draw', 'vector-1.record.json'), 'utf8');

/** The golden record with its first selected entity swapped for its first alternate. */
function tampered(): string {
  const record = JSON.parse(golden);
  const stratum = record.strata[0];
  [stratum.selected[0], stratum.alternates[0]] = [stratum.alternates[0], stratum.selected[0]];
  return JSON.stringify(record);
}

/** The text a reader sees in a piece of a page: tags and hidden elements left out, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<(\w+)[^>]*\shidden[\s>][\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('draw verification pages', () => {
  const app = testApp();

  it('GET /verify shows the upload form and loads the browser verifier', async () => {
    const res = await request(app).get('/verify').expect(200);
    expect(res.text).to.include('enctype="multipart/form-data"');
    expect(res.text).to.include('/build/draw-verify.js');
  });

  it('POST /verify (no JavaScript) recomputes the golden record and says it is verified', async () => {
    const res = await request(app).post('/verify').attach('record', Buffer.from(golden), 'draw.json').expect(200);
    expect(res.text).to.include('data-verdict="ok"');
    expect(res.text).to.include(JSON.parse(golden).pool.digest);
  });

  it('POST /verify names the first difference of a tampered record', async () => {
    const res = await request(app).post('/verify').attach('record', Buffer.from(tampered()), 'draw.json').expect(200);
    expect(res.text).to.include('data-verdict="fail"');
    expect(res.text).to.include('strata[0].selected[0]');
  });

  it('POST /verify, for a tampered record, gives the reason and the two values in the page\'s language, never the engine\'s English sentence', async () => {
    const record = JSON.parse(tampered());
    for (const [lang, reason, labels] of [
      ['zh-CN', '重新计算的结果与记录不同', ['重新计算得到', '记录中为']],
      ['en', 'the recomputation differs from the record', ['Recomputed', 'In the record']],
    ] as const) {
      const res = await request(app).post(`/verify?lang=${lang}`).attach('record', Buffer.from(tampered()), 'draw.json').expect(200);
      const verdict = visibleText(res.text.slice(res.text.indexOf('data-verdict="fail"'), res.text.indexOf('</section>')));
      expect(verdict, lang).to.include(reason).and.include('MISMATCH').and.include('strata[0].selected[0]');
      for (const label of labels) expect(verdict, lang).to.include(label);
      // The recomputed value is the record's first alternate (swapped in), and the record's own value shown beside it.
      expect(verdict, lang).to.include(JSON.stringify(record.strata[0].alternates[0])).and.include(JSON.stringify(record.strata[0].selected[0]));
      expect(verdict, `${lang}: the engine's sentence`).to.not.match(/\bexpected\b|\bgot\b/);
    }
  });

  it('POST /verify with text that is not JSON reports it, and without a file answers 422', async () => {
    const notJson = await request(app).post('/verify').attach('record', Buffer.from('not json'), 'draw.json').expect(200);
    expect(notJson.text).to.include('RECORD_INVALID');
    const none = await request(app).post('/verify').field('other', 'x').expect(422);
    expect(none.text).to.include('请选择要上传的文件');
  });

  it('POST /api/v1/draws/verify answers JSON for machines', async () => {
    const ok = await request(app).post('/api/v1/draws/verify').attach('record', Buffer.from(golden), 'draw.json').expect(200);
    expect(ok.body.result.ok).to.equal(true);
    expect(ok.body.result.summary.selected).to.equal(12);
    const bad = await request(app).post('/api/v1/draws/verify').attach('record', Buffer.from(tampered()), 'draw.json').expect(200);
    expect(bad.body.result).to.include({ ok: false, code: 'MISMATCH' });
    // The record is uploaded as a file: a JSON body is the wrong media type, said as such.
    const json = await request(app).post('/api/v1/draws/verify').type('json').send('{}').expect(415);
    expect(json.body.error.code).to.equal('unsupported_media_type');
    const none = await request(app).post('/api/v1/draws/verify').field('other', 'x').expect(422);
    expect(none.body.error.code).to.equal('validation_failed');
  });

  it('an announced record (ssj-draw/2) is checked against the announcement digest the visitor gives', async () => {
    const announced = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'draw', 'vector-2.record.json'));
    const digest = '91fdf03d754668e581fdee4ba0061aef43e2e20de2bb4c33e4b2f8abcf35ee7a';
    const right = await request(app).post('/api/v1/draws/verify').field('announcementDigest', digest).attach('record', announced, 'draw.json').expect(200);
    expect(right.body.result.ok).to.equal(true);
    const wrong = await request(app).post('/api/v1/draws/verify').field('announcementDigest', 'a'.repeat(64)).attach('record', announced, 'draw.json').expect(200);
    expect(wrong.body.result).to.include({ ok: false, code: 'PUBLISHED_MISMATCH' });
    const page = await request(app).post('/verify').field('announcementDigest', 'a'.repeat(64)).attach('record', announced, 'draw.json').expect(200);
    expect(page.text).to.include('data-verdict="fail"');
    expect(page.text).to.include(`value="${'a'.repeat(64)}"`);
    const malformed = await request(app).post('/api/v1/draws/verify').field('announcementDigest', 'xyz').attach('record', announced, 'draw.json').expect(422);
    expect(malformed.body.error.fields.announcementDigest).to.equal('invalid_digest');
  });

  it('GET /draw-spec shows the specification as a page with a title and linked headings, not raw Markdown', async () => {
    const res = await request(app).get('/draw-spec').expect(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect(res.text).to.match(/<title>Draw specification ssj-draw\/1 and ssj-draw\/2 · /);
    expect(res.text).to.match(/<h1 id="draw-specification-ssj-draw-1-and-ssj-draw-2">/);
    expect(res.text).to.match(/<h2 id="1-conventions">1\. Conventions<\/h2>/);
    expect(res.text).to.include('RFC 3797');
    expect(res.text).to.not.include('\n## 1. Conventions');
    expect(res.text).to.include('href="/draw-spec.md"');
  });

  it('GET /draw-spec.md serves the Markdown a verifier is built from, byte for byte', async () => {
    const res = await request(app).get('/draw-spec.md').expect(200);
    expect(res.headers['content-type']).to.match(/text\/markdown; charset=utf-8/);
    expect(res.text).to.equal(readFileSync(join(PROJECT_ROOT, 'DRAW-SPEC.md'), 'utf8'));
  });
});
