import { expect } from 'chai';
import { AuditEvent, DictionaryEntry, InspectionItem } from '../../models/index.js';
import { loadDefaults } from '../../server/demo/load-world.js';
import { signInAs, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';

describe('admin pages of the item list and the dictionaries', () => {
  const app = testApp();
  let admin: SignedIn;

  beforeEach(async () => {
    await loadDefaults();
    admin = await signInAs(app, 'admin', { departmentCode: 'HJ-SCJG' });
  });

  it('GET /admin/items lists every item, active or not', async () => {
    await InspectionItem.updateOne({ code: 'C04' }, { $set: { active: false } });
    const res = await admin.agent.get('/admin/items').expect(200);
    expect(res.text.match(/data-item="/g)).to.have.length(12);
    expect(res.text).to.include('已停用');
  });

  it('edits an item with validation (422 keeps what was typed), audits it, and unknown items answer 404', async () => {
    await admin.agent.get('/admin/items/A01/edit').expect(200);
    const bad = await admin.agent
      .post('/admin/items/A01')
      .type('form')
      .send({ _csrf: admin.csrf, name: '', departmentCode: 'HJ-SCJG', kind: '特别', methods: ['现场检查'], legalBasis: '《直销管理条例》第二十条' })
      .expect(422);
    expect(bad.text).to.include('必填').and.include('请从列表中选择').and.include('《直销管理条例》第二十条');
    await admin.agent
      .post('/admin/items/A01')
      .type('form')
      .send({ _csrf: admin.csrf, name: '直销违法行为检查（修订）', departmentCode: 'HJ-SCJG', kind: '重点', methods: ['现场检查', '网络监测'] })
      .expect(303);
    const item = await InspectionItem.findOne({ code: 'A01' }).lean();
    expect([item?.name, item?.kind, item?.methods]).to.deep.equal(['直销违法行为检查（修订）', '重点', ['现场检查', '网络监测']]);
    expect(await AuditEvent.countDocuments({ action: 'item.update', 'target.id': 'A01' })).to.equal(1);
    await admin.agent.get('/admin/items/Z99/edit').expect(404);
  });

  it('deactivating an item hides it from the public list without deleting it', async () => {
    await admin.agent.post('/admin/items/B01/deactivate').type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await InspectionItem.findOne({ code: 'B01' }).lean())?.active).to.equal(false);
    const publicList = await admin.agent.get('/items').expect(200);
    expect(publicList.text).to.not.include('data-item="B01"');
    await admin.agent.post('/admin/items/B01/activate').type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await InspectionItem.findOne({ code: 'B01' }).lean())?.active).to.equal(true);
  });

  it('GET /admin/dictionaries shows both dictionaries; an entry is relabelled or deactivated, and audited', async () => {
    const page = await admin.agent.get('/admin/dictionaries').expect(200);
    expect(page.text.match(/data-entry="result_category\//g)).to.have.length(13);
    expect(page.text.match(/data-entry="follow_up\//g)).to.have.length(6);
    await admin.agent.post('/admin/dictionaries/follow_up/F06').type('form').send({ _csrf: admin.csrf, label: '其他（请注明）' }).expect(303);
    const entry = await DictionaryEntry.findOne({ dictionary: 'follow_up', code: 'F06' }).lean();
    expect([entry?.label, entry?.active]).to.deep.equal(['其他（请注明）', false]);
    expect(await AuditEvent.countDocuments({ action: 'dictionary.update' })).to.equal(1);
    const empty = await admin.agent.post('/admin/dictionaries/follow_up/F06').type('form').send({ _csrf: admin.csrf, label: '', active: 'on' }).expect(422);
    expect(empty.text).to.include('必填');
    await admin.agent.post('/admin/dictionaries/follow_up/F99').type('form').send({ _csrf: admin.csrf, label: 'x' }).expect(404);
    await admin.agent.post('/admin/dictionaries/colours/F01').type('form').send({ _csrf: admin.csrf, label: 'x' }).expect(404);
  });

  it('adds an entry at the end; a malformed or taken code is a field error', async () => {
    await admin.agent.post('/admin/dictionaries/result_category').type('form').send({ _csrf: admin.csrf, code: 'R14', label: '涉嫌无照经营' }).expect(303);
    const added = await DictionaryEntry.findOne({ dictionary: 'result_category', code: 'R14' }).lean();
    expect([added?.label, added?.order, added?.active]).to.deep.equal(['涉嫌无照经营', 13, true]);
    const taken = await admin.agent.post('/admin/dictionaries/result_category').type('form').send({ _csrf: admin.csrf, code: 'R01', label: '重复' }).expect(422);
    expect(taken.text).to.include('该编码已存在');
    const malformed = await admin.agent.post('/admin/dictionaries/result_category').type('form').send({ _csrf: admin.csrf, code: 'r-1', label: 'x' }).expect(422);
    expect(malformed.text).to.include('编码格式应如 R14');
    expect(await DictionaryEntry.countDocuments({ dictionary: 'result_category' })).to.equal(14);
  });

  it('a supervisor may not edit the lists', async () => {
    const supervisor = await signInAs(app, 'supervisor');
    await supervisor.agent.get('/admin/items').expect(403);
    await supervisor.agent.post('/admin/dictionaries/follow_up/F06').type('form').send({ _csrf: supervisor.csrf, label: 'x' }).expect(403);
  });
});
