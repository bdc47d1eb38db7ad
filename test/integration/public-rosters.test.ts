import { expect } from 'chai';
import request from 'supertest';
import { Department } from '../../models/index.js';
import { loadDefaults } from '../../server/demo/load-world.js';
import { createInspector } from '../helpers/factories.js';
import { testApp } from '../helpers/app.js';

describe('public roster pages', () => {
  const app = testApp({ now: () => new Date('2026-11-27T04:00:00Z') });

  beforeEach(async () => {
    await Department.create({ code: 'HJ-SCJG', name: '怀化市洪江区市场监督管理局', level: '县' });
    await Department.create({ code: 'HJ-WJ', name: '怀化市洪江区卫生健康局', level: '县' });
  });

  describe('GET /items', () => {
    it('lists the active inspection items with their public details', async () => {
      await loadDefaults();
      const res = await request(app).get('/items').expect(200);
      expect(res.text).to.include('抽查事项清单');
      expect(res.text).to.include('直销违法行为检查');
      expect(res.text).to.include('《直销管理条例》');
      expect(res.text.match(/data-item="/g)).to.have.length(12);
    });

    it('filters by department', async () => {
      await loadDefaults();
      const res = await request(app).get('/items?department=HJ-WJ').expect(200);
      expect(res.text.match(/data-item="/g)).to.equal(null);
    });

    it('with a malformed department, answers 422 with the field message', async () => {
      const res = await request(app).get('/items?department=%24ne').expect(422);
      expect(res.text).to.include('部门编码无效');
    });

    it('GET /api/v1/items answers JSON, and 422 with a code for bad input', async () => {
      await loadDefaults();
      const res = await request(app).get('/api/v1/items?department=HJ-SCJG').expect(200);
      expect(res.body.items).to.have.length(12);
      expect(res.body.items[0]).to.include({ code: 'A01', department: '怀化市洪江区市场监督管理局' });
      const bad = await request(app).get('/api/v1/items?department=a%20b').expect(422);
      expect(bad.body.error.code).to.equal('validation_failed');
      expect(bad.body.error.fields).to.have.property('department');
    });
  });

  describe('GET /inspectors (certified-inspector lookup)', () => {
    it('finds an inspector by certificate number and shows only the four public facts', async () => {
      const inspector = await createInspector({
        name: '舒明华',
        post: '稽查科科长',
        unitLevel: '县',
        qualifications: ['食品检查员'],
        itemCodes: ['B01'],
        conflicts: [{ kind: 'former_employer', creditCode: '91330100716105852F', note: '曾任职于该公司' }],
      });
      const certificate = inspector.certificates[0]!.number as string;
      const res = await request(app).get(`/inspectors?certificate=${certificate}`).expect(200);
      expect(res.text).to.include('舒明华');
      expect(res.text).to.include(certificate);
      expect(res.text).to.include('怀化市洪江区市场监督管理局');
      expect(res.text).to.include('2024-01-01');
      expect(res.text).to.include('2029-01-01');
      // Every other stored value must stay off the page.
      const stored = inspector.toObject();
      for (const secret of [stored.inspectorId, String(stored.post), '食品检查员', 'B01', '91330100716105852F', '曾任职于该公司', 'former_employer', String(stored._id), '湖南省人民政府']) {
        expect(res.text, secret).to.not.include(secret);
      }
    });

    it('the JSON lookup carries the same four facts and nothing else', async () => {
      const inspector = await createInspector({ name: '向红', post: '科员' });
      const res = await request(app).get('/api/v1/inspectors/lookup?name=向').expect(200);
      expect(res.body.inspectors).to.have.length(1);
      const [found] = res.body.inspectors;
      expect(Object.keys(found)).to.have.members(['name', 'department', 'certificates']);
      expect(Object.keys(found.certificates[0])).to.have.members(['number', 'validFrom', 'validUntil', 'validity']);
      expect(JSON.stringify(res.body)).to.not.include(inspector.inspectorId);
    });

    it('shows expired, not-yet-valid and revoked certificates as such', async () => {
      await createInspector({ name: '甲', certificates: [{ number: 'C-1', validFrom: new Date('2020-01-01'), validUntil: new Date('2025-01-01') }] });
      await createInspector({ name: '乙', certificates: [{ number: 'C-2', validFrom: new Date('2027-01-01'), validUntil: new Date('2032-01-01') }] });
      await createInspector({ name: '丙', status: '失效' });
      await createInspector({ name: '丁' });
      const res = await request(app).get('/api/v1/inspectors/lookup?department=HJ-SCJG').expect(200);
      const validity = Object.fromEntries(res.body.inspectors.map((i: { name: string; certificates: { validity: string }[] }) => [i.name, i.certificates[0]!.validity]));
      expect(validity).to.deep.equal({ 甲: 'expired', 乙: 'not_yet', 丙: 'revoked', 丁: 'valid' });
      const page = await request(app).get('/inspectors?department=HJ-SCJG').expect(200);
      expect(page.text).to.include('已过期').and.include('尚未生效').and.include('已失效');
    });

    it('treats a name as literal text, never as a pattern or operator', async () => {
      await createInspector({ name: '王伟' });
      const pattern = await request(app).get('/api/v1/inspectors/lookup?name=.*').expect(200);
      expect(pattern.body.inspectors).to.have.length(0);
      // A bracketed key is not parsed into an object, so it can never become {$ne: …}: 王伟 stays listed.
      const operator = await request(app).get('/api/v1/inspectors/lookup?name[$ne]=王伟').expect(200);
      expect(operator.body.inspectors.map((i: { name: string }) => i.name)).to.deep.equal(['王伟']);
      const repeated = await request(app).get('/api/v1/inspectors/lookup?name=a&name=b').expect(422);
      expect(repeated.body.error.fields).to.have.property('name');
    });

    it('with an over-long or malformed certificate number, re-renders the form with 422 and the message', async () => {
      const res = await request(app).get('/inspectors?certificate=<script>').expect(422);
      expect(res.text).to.include('证号只能包含字母、数字和连字符');
      expect(res.text).to.include('&lt;script&gt;');
      expect(res.text).to.not.include('<script>');
    });

    it('a search that finds no one says so in a paragraph, in both languages, never "0 found" over an empty table', async () => {
      await createInspector({ name: '王伟' });
      for (const [lang, none, count] of [['zh-CN', '没有找到符合条件的持证执法人员', '共找到 0 人'], ['en', 'No certified inspector matches this search', '0 found']] as const) {
        const res = await request(app).get(`/inspectors?name=${encodeURIComponent('不存在的人')}&lang=${lang}`).expect(200);
        expect(res.text, lang).to.match(new RegExp(`<p class="notice" role="status" data-empty="inspectors">${none}`));
        expect(res.text, lang).to.not.include(count).and.not.include('<table');
      }
      // A search that finds someone still shows the table with its count, and no empty state.
      const found = await request(app).get(`/inspectors?name=${encodeURIComponent('王伟')}`).expect(200);
      expect(found.text).to.include('共找到 1 人').and.include('<table').and.not.include('data-empty');
    });

    it('pages through many results', async () => {
      for (let i = 0; i < 25; i += 1) await createInspector({ name: `李${String(i).padStart(2, '0')}` });
      const first = await request(app).get('/inspectors?name=李').expect(200);
      expect(first.text).to.include('第 1 / 2 页');
      const second = await request(app).get('/api/v1/inspectors/lookup?name=李&page=2').expect(200);
      expect(second.body.inspectors).to.have.length(5);
      expect(second.body.page).to.deep.equal({ page: 2, pages: 2, total: 25, totalExact: true, hasNext: false });
    });
  });
});
