import { expect } from 'chai';
import { AuditEvent, Inspector, MarketEntity } from '../../models/index.js';
import { createEntity, createInspector } from '../helpers/factories.js';
import { signInAs, ensureDepartment, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';

describe('back-office roster pages', () => {
  const app = testApp({ now: () => new Date('2026-11-27T04:00:00Z') });
  let admin: SignedIn;

  beforeEach(async () => {
    await ensureDepartment();
    admin = await signInAs(app, 'admin');
  });

  describe('entities', () => {
    it('GET /admin/entities lists entities and filters by type, status, region, risk class and search', async () => {
      const shop = await createEntity({ name: '洪江区沅江便利店', type: '个体工商户', riskClass: 'C', region: '若水镇' });
      await createEntity({ name: '怀化恒泰商贸有限公司', status: '注销' });
      const all = await admin.agent.get('/admin/entities').expect(200);
      expect(all.text.match(/data-entity="/g)).to.have.length(2);
      for (const query of ['type=个体工商户', 'riskClass=C', 'region=若水镇', 'q=沅江', `q=${shop.creditCode.toLowerCase()}`, 'status=存续']) {
        const res = await admin.agent.get(`/admin/entities?${encodeURI(query)}`).expect(200);
        expect(res.text.match(/data-entity="/g), query).to.have.length(1);
        expect(res.text, query).to.include(shop.creditCode);
      }
    });

    it('a filter that matches nothing shows an empty-state paragraph, not "共 0 条" over an empty table (entities and inspectors)', async () => {
      await createEntity({ name: '洪江区沅江便利店' });
      await createInspector({ name: '王伟' });
      for (const [path, key] of [['/admin/entities?q=%E4%B8%8D%E5%AD%98%E5%9C%A8', 'entities'], ['/admin/inspectors?q=%E4%B8%8D%E5%AD%98%E5%9C%A8', 'inspectors']] as const) {
        const res = await admin.agent.get(path).expect(200);
        expect(res.text, path).to.include(`data-empty="${key}">没有符合条件的记录。`).and.not.include('共 0 条').and.not.include('<table');
      }
      const all = await admin.agent.get('/admin/entities').expect(200);
      expect(all.text).to.include('共 1 条').and.not.include('data-empty');
    });

    it('filters by special roster', async () => {
      await createEntity({ specialRosters: [{ roster: '餐饮', licenceNumber: 'JY12345678901234' }] });
      await createEntity();
      const res = await admin.agent.get(`/admin/entities?roster=${encodeURIComponent('餐饮')}`).expect(200);
      expect(res.text.match(/data-entity="/g)).to.have.length(1);
    });

    it('with an unknown filter value answers 422 with the field message', async () => {
      const res = await admin.agent.get(`/admin/entities?riskClass=E`).expect(422);
      expect(res.text).to.include('请从列表中选择');
    });

    it('GET /admin/entities/:code shows the detail; an unknown code answers 404', async () => {
      const entity = await createEntity({ legalRepresentative: '舒建国' });
      const res = await admin.agent.get(`/admin/entities/${entity.creditCode}`).expect(200);
      expect(res.text).to.include('舒建国');
      await admin.agent.get('/admin/entities/91350100M000100Y43').expect(404);
    });

    it('POST /admin/entities/:code saves a valid edit, audits it and redirects', async () => {
      const entity = await createEntity({ riskClass: 'A' });
      await admin.agent.get(`/admin/entities/${entity.creditCode}/edit`).expect(200);
      await admin.agent
        .post(`/admin/entities/${entity.creditCode}`)
        .type('form')
        .send({ _csrf: admin.csrf, name: '改名后的公司', type: '企业', status: '存续', region: '新街街道', riskClass: 'D', lastInspectedOn: '2026-03-01' })
        .expect(303)
        .expect('Location', `/admin/entities/${entity.creditCode}`);
      const saved = await MarketEntity.findOne({ creditCode: entity.creditCode }).lean();
      expect([saved?.name, saved?.riskClass, saved?.lastInspectedOn?.toISOString().slice(0, 10)]).to.deep.equal(['改名后的公司', 'D', '2026-03-01']);
      const audit = await AuditEvent.findOne({ action: 'entity.update' }).lean();
      expect(audit?.target.id).to.equal(entity.creditCode);
      expect(audit?.after).to.include({ riskClass: 'D', name: '改名后的公司' });
      expect(audit?.actor.label).to.equal(admin.username);
    });

    it('an invalid edit re-renders the form with 422, field messages and old values, and stores nothing', async () => {
      const entity = await createEntity({ name: '原名称' });
      const res = await admin.agent
        .post(`/admin/entities/${entity.creditCode}`)
        .type('form')
        .send({ _csrf: admin.csrf, name: '', type: '公司', status: '存续', region: '新街街道', lastInspectedOn: '2026-13-45', address: '<b>x</b>' })
        .expect(422);
      expect(res.text).to.include('必填').and.include('请从列表中选择').and.include('日期格式应为 YYYY-MM-DD');
      expect(res.text).to.include('&lt;b&gt;x&lt;/b&gt;');
      expect((await MarketEntity.findOne({ creditCode: entity.creditCode }).lean())?.name).to.equal('原名称');
      expect(await AuditEvent.countDocuments({ action: 'entity.update' })).to.equal(0);
    });

    it('an edit without a CSRF token is refused and stores nothing', async () => {
      const entity = await createEntity({ name: '原名称' });
      await admin.agent.post(`/admin/entities/${entity.creditCode}`).type('form').send({ name: '伪造', type: '企业', status: '存续', region: 'x' }).expect(403);
      expect((await MarketEntity.findOne({ creditCode: entity.creditCode }).lean())?.name).to.equal('原名称');
    });

    it('deactivating removes the entity from the roster without deleting it; activating restores it', async () => {
      const entity = await createEntity();
      await admin.agent.post(`/admin/entities/${entity.creditCode}/deactivate`).type('form').send({ _csrf: admin.csrf }).expect(303);
      expect((await MarketEntity.findOne({ creditCode: entity.creditCode }).lean())?.active).to.equal(false);
      const page = await admin.agent.get(`/admin/entities/${entity.creditCode}`).expect(200);
      expect(page.text).to.include('已移出名录库');
      await admin.agent.post(`/admin/entities/${entity.creditCode}/activate`).type('form').send({ _csrf: admin.csrf }).expect(303);
      expect((await MarketEntity.findOne({ creditCode: entity.creditCode }).lean())?.active).to.equal(true);
      expect(await AuditEvent.countDocuments({ 'target.id': entity.creditCode })).to.equal(2);
      await admin.agent.post('/admin/entities/91350100M000100Y43/deactivate').type('form').send({ _csrf: admin.csrf }).expect(404);
    });

    it('GET /api/v1/admin/entities answers JSON pages, 422 for bad filters and 404 for unknown codes', async () => {
      const entity = await createEntity();
      const list = await admin.agent.get('/api/v1/admin/entities?type=企业').expect(200);
      expect(list.body.entities.map((e: { creditCode: string }) => e.creditCode)).to.deep.equal([entity.creditCode]);
      expect(list.body.page).to.deep.equal({ page: 1, pages: 1, total: 1, totalExact: true, hasNext: false });
      const bad = await admin.agent.get('/api/v1/admin/entities?page=zero').expect(422);
      expect(bad.body.error.fields).to.have.property('page');
      const one = await admin.agent.get(`/api/v1/admin/entities/${entity.creditCode}`).expect(200);
      expect(one.body.entity.name).to.equal(entity.name);
      const missing = await admin.agent.get('/api/v1/admin/entities/91350100M000100Y43').expect(404);
      expect(missing.body.error.code).to.equal('not_found');
    });

    it('a supervisor may read the roster but not edit it', async () => {
      const entity = await createEntity();
      const supervisor = await signInAs(app, 'supervisor');
      await supervisor.agent.get('/admin/entities').expect(200);
      await supervisor.agent.get(`/admin/entities/${entity.creditCode}/edit`).expect(403);
    });
  });

  describe('inspectors', () => {
    const cert = (validUntil: string) => [{ number: `N${validUntil.replaceAll('-', '')}`, validFrom: new Date('2021-01-01'), validUntil: new Date(validUntil) }];

    it('flags certificates expiring within 30 days and expired ones, in the list and on the detail page', async () => {
      const soon = await createInspector({ name: '将到期', certificates: cert('2026-12-15') });
      const gone = await createInspector({ name: '已过期', certificates: cert('2026-11-01') });
      await createInspector({ name: '正常', certificates: cert('2029-01-01') });
      // Two certificates, one expired and one far off: not flagged.
      await createInspector({ name: '双证', certificates: [...cert('2025-01-01'), ...cert('2030-01-01')] });
      const list = await admin.agent.get('/admin/inspectors').expect(200);
      expect(list.text.match(/data-alert="expiring"/g)).to.have.length(1);
      expect(list.text.match(/data-alert="expired"/g)).to.have.length(1);
      const expiring = await admin.agent.get('/admin/inspectors?expiry=expiring').expect(200);
      expect(expiring.text.match(/data-inspector="/g)).to.have.length(1);
      expect(expiring.text).to.include(soon.inspectorId);
      const expired = await admin.agent.get('/admin/inspectors?expiry=expired').expect(200);
      expect(expired.text.match(/data-inspector="/g)).to.have.length(1);
      expect(expired.text).to.include(gone.inspectorId);
      const detail = await admin.agent.get(`/admin/inspectors/${gone.inspectorId}`).expect(200);
      expect(detail.text).to.include('执法证已过期');
    });

    it('filters by department and status and searches by name or certificate number', async () => {
      await ensureDepartment('HJ-WJ');
      const other = await createInspector({ name: '卫健甲', departmentCode: 'HJ-WJ' });
      await createInspector({ name: '市监乙', status: '失效' });
      expect((await admin.agent.get('/admin/inspectors?department=HJ-WJ').expect(200)).text.match(/data-inspector="/g)).to.have.length(1);
      expect((await admin.agent.get(`/admin/inspectors?status=${encodeURIComponent('失效')}`).expect(200)).text).to.include('市监乙');
      const byCert = await admin.agent.get(`/admin/inspectors?q=${other.certificates[0]!.number}`).expect(200);
      expect(byCert.text.match(/data-inspector="/g)).to.have.length(1);
      await admin.agent.get('/admin/inspectors?expiry=soon').expect(422);
    });

    it('edits an inspector with validation, audits it, and deactivates (失效) without deleting', async () => {
      const inspector = await createInspector();
      await admin.agent.get(`/admin/inspectors/${inspector.inspectorId}/edit`).expect(200);
      const bad = await admin.agent
        .post(`/admin/inspectors/${inspector.inspectorId}`)
        .type('form')
        .send({ _csrf: admin.csrf, name: '', departmentCode: 'HJ-SCJG', status: '有效', itemCodes: 'A01, bogus' })
        .expect(422);
      expect(bad.text).to.include('必填');
      await admin.agent
        .post(`/admin/inspectors/${inspector.inspectorId}`)
        .type('form')
        .send({ _csrf: admin.csrf, name: '新名字', departmentCode: 'HJ-SCJG', status: '有效', qualifications: '食品检查员、组长', itemCodes: 'A01, B01' })
        .expect(303);
      const saved = await Inspector.findOne({ inspectorId: inspector.inspectorId }).lean();
      expect([saved?.name, saved?.qualifications, saved?.itemCodes]).to.deep.equal(['新名字', ['食品检查员', '组长'], ['A01', 'B01']]);
      await admin.agent.post(`/admin/inspectors/${inspector.inspectorId}/deactivate`).type('form').send({ _csrf: admin.csrf }).expect(303);
      expect((await Inspector.findOne({ inspectorId: inspector.inspectorId }).lean())?.status).to.equal('失效');
      expect(await AuditEvent.countDocuments({ 'target.id': inspector.inspectorId })).to.equal(2);
      await admin.agent.get('/admin/inspectors/NOPE').expect(404);
    });

    it('GET /api/v1/admin/inspectors and /:id answer JSON with the alert, never the linked user id', async () => {
      const inspector = await createInspector({ certificates: cert('2026-12-01') });
      const list = await admin.agent.get('/api/v1/admin/inspectors').expect(200);
      expect(list.body.inspectors).to.have.length(1);
      expect(list.body.inspectors[0]).to.not.have.property('userId');
      const one = await admin.agent.get(`/api/v1/admin/inspectors/${inspector.inspectorId}`).expect(200);
      expect(one.body.alert).to.equal('expiring');
      await admin.agent.get('/api/v1/admin/inspectors/NOPE').expect(404);
      await admin.agent.get('/api/v1/admin/inspectors?expiry=never').expect(422);
    });
  });
});
