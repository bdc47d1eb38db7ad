// The plan pages: field messages on bad input in both languages (422, values kept), creation,
// publication, a 专项 plan's second-supervisor approval, amendments as versions, and who may
// see or do what (another department: 404; inspectors: 403; the public: sign in; admins read).
import { expect } from 'chai';
import request from 'supertest';
import { AuditEvent, Plan } from '../../../models/index.js';
import { signInAs } from '../../helpers/auth.js';
import { seedWorld } from '../plans/support.js';
import { location, pagesApp, PLAN_FIELDS, post, supervisorOf } from './support.js';

describe('plan pages', () => {
  beforeEach(async () => { await seedWorld({ entities: 3, inspectors: 2 }); });

  it('POST /plans, with a bad year and no number, answers 422 with field messages in zh-CN and en, keeping the values', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const zh = await post(chen, '/plans', { ...PLAN_FIELDS, year: '1999', number: '' }).expect(422);
    expect(zh.text).to.contain('年度须在 2000 至 2100 之间。');
    expect(zh.text).to.contain('必填');
    expect(zh.text).to.contain('value="2026年度双随机抽查计划"');
    const en = await post(chen, '/plans', { ...PLAN_FIELDS, year: '1999', number: '', ratios: 'D | 300%' }, 'en').expect(422);
    expect(en.text).to.contain('One ratio per line');
    expect(await Plan.countDocuments()).to.equal(0);
  });

  it('a 日常 plan is created and published from its page; the list shows it', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const created = await post(chen, '/plans', PLAN_FIELDS).expect(303);
    const path = location(created);
    const page = await chen.agent.get(path).expect(200);
    expect(page.text).to.contain('公布计划');
    await post(chen, `${path}/publish`, {}).expect(303);
    const after = await chen.agent.get(path).expect(200);
    expect(after.text).to.match(/data-fact="published">[^<]*公布/);
    expect((await chen.agent.get('/plans').expect(200)).text).to.contain('洪市监〔2026〕9号');
    expect(await AuditEvent.countDocuments({ action: 'plan.publish' })).to.equal(1);
  });

  it('a 专项 plan needs its necessity note and a second supervisor: the author sees no approve button, publication before approval is refused (409), the second approves', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const noNote = await post(chen, '/plans', { ...PLAN_FIELDS, inspectionType: '专项' }).expect(303);
    const path = location(noNote);
    const refused = await post(chen, `${path}/publish`, {}).expect(422);
    expect(refused.text).to.contain('专项计划须先填写必要性说明');
    await post(chen, `${path}/amend`, { ...PLAN_FIELDS, inspectionType: '专项', necessityNote: '投诉集中', amendmentReason: '补充必要性说明' }).expect(303);
    const page = await chen.agent.get(path).expect(200);
    expect(page.text).to.contain('data-hint="approval"');
    expect(page.text).not.to.contain('审批通过');
    expect((await post(chen, `${path}/publish`, {}).expect(409)).text).to.contain('不能公布');
    expect((await post(chen, `${path}/approve`, {}).expect(403)).text).to.contain('不能审批');
    const li = await supervisorOf(app);
    await post(li, `${path}/approve`, {}).expect(303);
    await post(chen, `${path}/publish`, {}).expect(303);
    const versions = (await chen.agent.get(path).expect(200)).text;
    expect(versions).to.contain('data-version="1"');
    expect(versions).to.contain('data-version="2"');
    expect(versions).to.contain('补充必要性说明');
  });

  it('POST /plans/:key/amend without a reason answers 422 in both languages; nothing is versioned', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const path = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
    expect((await post(chen, `${path}/amend`, { ...PLAN_FIELDS, name: '改名' }).expect(422)).text).to.contain('必填');
    expect((await post(chen, `${path}/amend`, { ...PLAN_FIELDS, name: '改名' }, 'en').expect(422)).text).to.contain('value="改名"');
    expect(await Plan.countDocuments()).to.equal(1);
  });

  it('another department\'s supervisor gets 404 for the plan and its actions; an inspector 403; anonymous callers sign in; an admin reads but cannot act', async () => {
    const { app } = pagesApp();
    const chen = await supervisorOf(app);
    const path = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
    const other = await supervisorOf(app, 'HJ-WJ');
    await other.agent.get(path).expect(404);
    await post(other, `${path}/publish`, {}).expect(404);
    expect((await other.agent.get('/plans').expect(200)).text).not.to.contain('洪市监〔2026〕9号');
    const inspector = await signInAs(app, 'inspector');
    await inspector.agent.get('/plans').expect(403);
    await post(inspector, '/plans', PLAN_FIELDS).expect(403);
    const anonymous = await request(app).get(path).expect(303);
    expect(location(anonymous)).to.match(/^\/login/);
    const admin = await signInAs(app, 'admin');
    const read = await admin.agent.get(path).expect(200);
    expect(read.text).not.to.contain('公布计划');
    await admin.agent.get('/plans/new').expect(403);
    await post(admin, `${path}/publish`, {}).expect(403);
    expect((await Plan.find().lean()).filter((p) => p.publishedAt)).to.have.length(0);
  });
});
