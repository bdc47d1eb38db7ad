// Every form of the app goes through the one pipeline (server/http/forms.ts, views/partials/
// field.ejs): submitted with bad input, each answers 422 with the field's message in the page's
// language (zh-CN and en), no raw message key, and the values typed kept (never a password).
// The workflow's forms (plan, task, an inspection's findings, the entity's reply code, statement
// and rating) the same way, in a world with a locked draw. (The calendar override form is
// covered so in test/integration/admin-calendar.test.ts.)
// Then the defects found using the product (issue 10: labels, "all" in edit forms, industry
// names, the saved notice, a future inspection date).
import { expect } from 'chai';
import { loadDefaults } from '../../server/demo/load-world.js';
import { createEntity, createInspector } from '../helpers/factories.js';
import { anonymous, ensureDepartment, signInAs, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { Plan } from '../../models/plan.js';
import { approved, submitted } from './inspections/progress.js';
import { pageOf, inspectorActing } from './inspections/support.js';
import { checkInWithCode } from '../../server/inspections/check-in.js';
import { enterpriseWorld, visitor, type EnterpriseWorld } from './enterprise/support.js';
import { PLAN_FIELDS, taskFields } from './plans-pages/support.js';

type Lang = 'zh-CN' | 'en';
interface Case {
  form: string;
  path: string;
  /** GET (a filter, fields in the query) or POST (fields in the body). */
  method: 'get' | 'post';
  body: Record<string, string>;
  /** The message expected for each language (label: message in the error summary). */
  expected: Record<Lang, string[]>;
  /** A value typed that the page must show again. */
  kept?: string;
  as: 'admin' | 'anonymous';
}

/** A raw message key on a page: error.field.x, field.x, validation.x, catalog.x… as text. */
const RAW_KEY = />[^<]*\b(?:error\.field|validation|field|items|catalog|imports|users|account|login)\.[a-zA-Z_]+[^<]*</;

/** A form of the workflow: posted by its user (a supervisor, a team member, the entity with its reply code). */
interface WorkflowCase {
  form: string;
  path: string;
  who: () => Promise<{ agent: SignedIn['agent']; csrf: string }>;
  body: Record<string, string | string[]>;
  expected: Record<Lang, string[]>;
  kept?: string;
}

/** A raw message key of the workflow's catalogues on a page, as text. */
const RAW_WORKFLOW_KEY = />[^<]*\b(?:error\.field|validation|field|plans|tasks|inspections?|findings|reply|statement|rating|check|form)\.[a-zA-Z_]+[^<]*</;

/** Approved and checked in by code with the whole team: its findings form is open. */
async function checkedIn(world: EnterpriseWorld, inspection: InspectionRecord): Promise<void> {
  const approval = await approved(world, inspection);
  await checkInWithCode(inspection._id, approval.checkCode!, [...inspection.team], inspectorActing(inspection.team[0]!), world.settings);
}

describe('every form, submitted with bad input', () => {
  const app = testApp({ now: () => new Date('2026-03-02T04:00:00Z') });
  let admin: SignedIn;
  let cases: Case[];

  beforeEach(async () => {
    await loadDefaults();
    await ensureDepartment('HJ-SCJG');
    admin = await signInAs(app, 'admin');
    const entity = await createEntity();
    const inspector = await createInspector();
    const long = 'x'.repeat(201);
    cases = [
      { form: 'login', path: '/login', method: 'post', as: 'anonymous', body: { username: 'keep-this-name', password: '' }, kept: 'keep-this-name', expected: { 'zh-CN': ['密码: 必填'], en: ['Password: Required'] } },
      { form: 'account password', path: '/account/password', method: 'post', as: 'admin', body: { currentPassword: 'wrong', password: 'short', passwordConfirm: 'short' }, expected: { 'zh-CN': ['当前密码不正确'], en: ['The current password is incorrect'] } },
      { form: 'new user', path: '/admin/users', method: 'post', as: 'admin', body: { username: 'Bad Name!', displayName: '保留的姓名', role: 'supervisor', departmentCode: 'HJ-SCJG', password: 'Long-enough-pass-1', passwordConfirm: 'Long-enough-pass-1' }, kept: '保留的姓名', expected: { 'zh-CN': ['用户名: 请使用'], en: ['Username: Use 3–32'] } },
      { form: 'user assignment', path: `/admin/users/${admin.user.id}/assignment`, method: 'post', as: 'admin', body: { role: 'inspector', departmentCode: 'HJ-SCJG', inspectorCode: '' }, expected: { 'zh-CN': ['执法人员编号'], en: ['roster number'] } },
      { form: 'user password reset', path: `/admin/users/${admin.user.id}/password`, method: 'post', as: 'admin', body: { password: 'short', passwordConfirm: 'short' }, expected: { 'zh-CN': ['密码至少需要'], en: ['The password needs at least'] } },
      { form: 'entity edit', path: `/admin/entities/${entity.creditCode}`, method: 'post', as: 'admin', body: { name: '', type: '企业', status: '存续', region: '保留的区域', lastInspectedOn: '2030-01-01' }, kept: '保留的区域', expected: { 'zh-CN': ['主体名称: 必填', '最近检查日期: 不能晚于今天（2026-03-02）'], en: ['Entity name: Required', 'Last inspected on: Must not be after today (2026-03-02)'] } },
      { form: 'entity filter', path: '/admin/entities', method: 'get', as: 'admin', body: { q: '保留的搜索', type: 'nonsense' }, kept: '保留的搜索', expected: { 'zh-CN': ['主体类型: 请从列表中选择'], en: ['Entity type: Choose from the list'] } },
      { form: 'inspector edit', path: `/admin/inspectors/${inspector.inspectorId}`, method: 'post', as: 'admin', body: { name: '保留的姓名', departmentCode: 'HJ-SCJG', status: '有效', itemCodes: 'bad code' }, kept: '保留的姓名', expected: { 'zh-CN': ['可检查事项: 事项编码格式应如 A01'], en: ['Items they may inspect: Item codes look like A01'] } },
      { form: 'inspector filter', path: '/admin/inspectors', method: 'get', as: 'admin', body: { q: '保留', expiry: 'soon' }, kept: '保留', expected: { 'zh-CN': ['证件到期: 请从列表中选择'], en: ['Certificate expiry: Choose from the list'] } },
      { form: 'item edit', path: '/admin/items/A01', method: 'post', as: 'admin', body: { name: '', departmentCode: 'HJ-SCJG', kind: '一般', legalBasis: '保留的依据', targetType: long }, kept: '保留的依据', expected: { 'zh-CN': ['事项名称: 必填', '抽查对象: 内容过长（最多 200 个字符）'], en: ['Item: Required', 'Target: Too long (at most 200 characters)'] } },
      { form: 'dictionary add', path: '/admin/dictionaries/result_category', method: 'post', as: 'admin', body: { code: 'r1', label: '保留的名称' }, kept: '保留的名称', expected: { 'zh-CN': ['编码: 编码格式应如 R14'], en: ['Code: Codes look like R14'] } },
      { form: 'dictionary update', path: '/admin/dictionaries/result_category/R01', method: 'post', as: 'admin', body: { label: '' }, expected: { 'zh-CN': ['名称: 必填'], en: ['Label: Required'] } },
      { form: 'public lookup', path: '/inspectors', method: 'get', as: 'anonymous', body: { name: '保留', certificate: 'bad cert!' }, kept: '保留', expected: { 'zh-CN': ['执法证号: 证号只能包含字母、数字和连字符'], en: ['Certificate number: Only letters, digits and hyphens'] } },
      { form: 'public items filter', path: '/items', method: 'get', as: 'anonymous', body: { department: 'bad code!' }, expected: { 'zh-CN': ['部门: 部门编码无效'], en: ['Department: Unknown department code'] } },
    ];
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`shows each field message in ${lang}, no raw key, and keeps what was typed`, async () => {
      for (const c of cases) {
        const who = c.as === 'admin' ? admin : await anonymous(app);
        await who.agent.get(`/login?lang=${lang}`);
        const res = c.method === 'get'
          ? await who.agent.get(c.path).query(c.body)
          : await who.agent.post(c.path).type('form').send({ _csrf: who.csrf, ...c.body });
        expect(res.status, c.form).to.equal(422);
        for (const message of c.expected[lang]) expect(res.text, `${c.form}: ${message}`).to.include(message);
        expect(res.text, `${c.form}: raw key`).to.not.match(RAW_KEY);
        if (c.kept) expect(res.text, `${c.form}: kept value`).to.include(c.kept);
        expect(res.text, `${c.form}: no password echoed`).to.not.match(/type="password" value="[^"]+"/);
      }
    });
  }

  it('the import and verify uploads show their field message without a raw key, in both languages', async () => {
    for (const [lang, message] of [['zh-CN', '请选择要上传的文件'], ['en', 'Choose a file to upload']] as const) {
      await admin.agent.get(`/login?lang=${lang}`);
      const imports = await admin.agent.post('/admin/imports').field('_csrf', admin.csrf).field('kind', 'entities').expect(422);
      expect(imports.text).to.include(message).and.not.match(RAW_KEY);
      const visitor = await anonymous(app);
      await visitor.agent.get(`/verify?lang=${lang}`);
      const verify = await visitor.agent.post('/verify').field('announcementDigest', 'kept-digest').expect(422);
      expect(verify.text).to.include(message).and.include('kept-digest');
      expect(verify.text).to.not.match(RAW_KEY);
    }
  });
});

describe('roster and catalogue forms, as found using the product', () => {
  const app = testApp({ now: () => new Date('2026-03-02T04:00:00Z') });
  let admin: SignedIn;

  beforeEach(async () => {
    await loadDefaults();
    admin = await signInAs(app, 'admin');
  });

  it('labels the entity name 主体名称 (not 姓名) in the list and the edit form', async () => {
    const entity = await createEntity();
    const list = await admin.agent.get('/admin/entities').expect(200);
    expect(list.text).to.include('>主体名称</th>').and.not.include('>姓名</th>');
    const edit = await admin.agent.get(`/admin/entities/${entity.creditCode}/edit`).expect(200);
    expect(edit.text).to.match(/<label for="field-name">主体名称/);
  });

  it('a blank 事项名称 reports "事项名称: 必填"', async () => {
    const res = await admin.agent.post('/admin/items/A01').type('form').send({ _csrf: admin.csrf, name: '', departmentCode: 'HJ-SCJG', kind: '一般' }).expect(422);
    expect(res.text).to.include('事项名称: 必填').and.not.include('姓名');
  });

  it('dictionary code columns say 编码, not 事项编码', async () => {
    const res = await admin.agent.get('/admin/dictionaries').expect(200);
    expect(res.text).to.include('>编码</th>').and.not.include('事项编码');
  });

  it('edit dropdowns never offer 全部 (only filters do)', async () => {
    const entity = await createEntity();
    const inspector = await createInspector();
    for (const path of [`/admin/entities/${entity.creditCode}/edit`, `/admin/inspectors/${inspector.inspectorId}/edit`, '/admin/items/A01/edit']) {
      const res = await admin.agent.get(path).expect(200);
      expect(res.text, path).to.not.include('>全部<');
    }
    expect((await admin.agent.get('/admin/entities').expect(200)).text).to.include('>全部<');
  });

  it('shows the GB/T 4754 section name with the letter', async () => {
    const entity = await createEntity({ industry: 'G' });
    const detail = await admin.agent.get(`/admin/entities/${entity.creditCode}`).expect(200);
    expect(detail.text).to.include('G 交通运输、仓储和邮政业');
    const edit = await admin.agent.get(`/admin/entities/${entity.creditCode}/edit`).expect(200);
    expect(edit.text).to.include('<option value="A">A 农、林、牧、渔业</option>').and.include('T 国际组织');
  });

  it('a successful save shows a notice on the next page', async () => {
    const entity = await createEntity();
    const values = { name: entity.name, type: entity.type, status: entity.status, region: entity.region, riskClass: 'B' };
    const saved = await admin.agent.post(`/admin/entities/${entity.creditCode}`).type('form').send({ _csrf: admin.csrf, ...values }).expect(303);
    const next = await admin.agent.get(saved.headers.location!).expect(200);
    expect(next.text).to.match(/class="notice"[^>]*>已保存。/);
    const again = await admin.agent.get(saved.headers.location!).expect(200);
    expect(again.text, 'shown once').to.not.include('已保存。');
    await admin.agent.post('/admin/items/A01').type('form').send({ _csrf: admin.csrf, name: '改过的事项', departmentCode: 'HJ-SCJG', kind: '一般' }).expect(303);
    expect((await admin.agent.get('/admin/items').expect(200)).text).to.include('已保存。');
  });

  it('refuses a 最近检查日期 after today in TIME_ZONE, and takes today', async () => {
    const entity = await createEntity();
    const values = { _csrf: admin.csrf, name: entity.name, type: entity.type, status: entity.status, region: entity.region };
    const future = await admin.agent.post(`/admin/entities/${entity.creditCode}`).type('form').send({ ...values, lastInspectedOn: '2030-01-01' }).expect(422);
    expect(future.text).to.include('不能晚于今天').and.include('value="2030-01-01"');
    // 04:00 UTC on 2 March is noon in Beijing: today is 2026-03-02 there.
    await admin.agent.post(`/admin/entities/${entity.creditCode}`).type('form').send({ ...values, lastInspectedOn: '2026-03-02' }).expect(303);
  });
});

describe('the workflow\'s forms (plan, task, findings, the entity\'s reply, statement and rating), submitted with bad input', () => {
  let world: EnterpriseWorld;
  let cases: WorkflowCase[];

  beforeEach(async () => {
    world = await enterpriseWorld();
    const [first, second] = world.inspections as [InspectionRecord, InspectionRecord];
    await checkedIn(world, first); // the team of the first enters findings
    await submitted(world, second); // the entity of the second replies with its code
    const replyCode = (await Inspection.findById(second._id).lean<InspectionRecord>())!.reply!.code!;
    const planKey = (await Plan.findOne().select('planKey').lean<{ planKey: string }>())!.planKey;
    const entity = () => visitor(world.app);
    const chen = async () => world.chenUser;
    const member = async () => world.a;
    cases = [
      { form: 'plan', path: '/plans', who: chen, body: { ...PLAN_FIELDS, year: '1999', number: '', name: '保留的计划名称' }, kept: '保留的计划名称', expected: { 'zh-CN': ['年度: 年度须在 2000 至 2100 之间。', '文号: 必填'], en: ['Year: The year must be between 2000 and 2100.', 'Number (字号): Required'] } },
      { form: 'task', path: '/tasks', who: chen, body: taskFields(planKey, { number: '', scheduleCron: '99 * * * *', name: '保留的任务名称' }), kept: '保留的任务名称', expected: { 'zh-CN': ['任务编号: 必填', '定时表达式（cron）: 定时表达式无效。'], en: ['Task number: Required', 'Cron schedule: Not a valid cron expression.'] } },
      { form: 'findings', path: `${pageOf(first._id)}/findings`, who: member, body: { 'items.0.methods': [], 'items.0.resultCategory': 'R99', 'items.0.problems': '保留的问题', 'items.0.handling': '', 'items.0.followUp': 'F02', 'items.0.rectifyBy': '24/08/2026', 'items.0.note': '', resultCategory: '' }, kept: '保留的问题', expected: { 'zh-CN': ['该单位的检查结果: 必填', '检查方式: 必填', '检查结果: 此项的值无效', '整改期限: 日期格式应为 YYYY-MM-DD'], en: ['Overall result for the entity: Required', 'Methods used: Required', 'Result: This value is not valid', 'Rectify by: Use the format YYYY-MM-DD'] } },
      { form: 'reply code', path: '/check/reply', who: entity, body: { replyCode: '' }, expected: { 'zh-CN': ['回执码: 必填'], en: ['Reply code: Required'] } },
      { form: 'statement', path: '/check/reply/statement', who: entity, body: { replyCode, statementText: `保留的陈述${'长'.repeat(4000)}`, waive: 'no' }, kept: '保留的陈述', expected: { 'zh-CN': ['陈述申辩内容: 内容过长（最多 4,000 个字符）'], en: ['Your statement: Too long (at most 4,000 characters)'] } },
      { form: 'rating', path: '/check/reply/rating', who: entity, body: { replyCode, lawful: '5', courteous: '', clear: '4', unobtrusive: '7', comment: '保留的评价' }, kept: '保留的评价', expected: { 'zh-CN': ['文明礼貌: 必填', '不干扰正常经营: 请从列表中选择'], en: ['Courtesy: Required', 'Kept disruption of your business low: Choose from the list'] } },
    ];
  });
  afterEach(async () => { await world.relay.close(); });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`shows each field message in ${lang}, no raw key, and keeps what was typed`, async () => {
      for (const c of cases) {
        const who = await c.who();
        const res = await who.agent.post(`${c.path}?lang=${lang}`).type('form').send({ _csrf: who.csrf, ...c.body });
        expect(res.status, c.form).to.equal(422);
        for (const message of c.expected[lang]) expect(res.text, `${c.form}: ${message}`).to.include(message);
        expect(res.text, `${c.form}: raw key`).to.not.match(RAW_WORKFLOW_KEY);
        if (c.kept) expect(res.text, `${c.form}: kept value`).to.include(c.kept);
      }
    });
  }
});
