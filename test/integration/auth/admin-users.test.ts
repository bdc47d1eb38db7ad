// User management through the real pages: who sees which users, creating users (422 with the
// typed values on mistakes), roster links, role/department changes, disabling and password
// resets — each checked in the response *and* in the database and the audit trail.
import { expect } from 'chai';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { Inspector } from '../../../models/index.js';
import { User } from '../../../models/user.js';
import { Session } from '../../../models/session.js';
import { AuditEvent } from '../../../models/audit-event.js';
import { createInspector } from '../../helpers/factories.js';
import { createTestUser, ensureDepartment, OTHER_DEPARTMENT, signIn, signInAs, TEST_DEPARTMENT, type SignedIn } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

describe('user management', () => {
  const app = createApp({ config, logger });
  let admin: SignedIn;
  beforeEach(async () => {
    admin = await signInAs(app, 'admin', { username: 'chief-admin' });
    await ensureDepartment(OTHER_DEPARTMENT);
  });

  const post = (path: string, form: Record<string, string>, who: SignedIn = admin) =>
    who.agent.post(path).type('form').set('X-Request-Id', 'req-test-0001').send({ _csrf: who.csrf, ...form });

  const newUser = (overrides: Record<string, string> = {}) => ({
    username: 'li.ming', displayName: '李明', role: 'supervisor', departmentCode: TEST_DEPARTMENT,
    password: 'Temporary-pass-1', passwordConfirm: 'Temporary-pass-1', ...overrides,
  });

  it('GET /admin/users, for an admin, lists users of every department with a link to create one', async () => {
    await createTestUser({ username: 'other-dept', departmentCode: OTHER_DEPARTMENT, role: 'supervisor' });
    const res = await admin.agent.get('/admin/users').expect(200);
    expect(res.text).to.include('data-user="chief-admin"').and.include('data-user="other-dept"');
    expect(res.text).to.include('href="/admin/users/new"');
  });

  it('GET /admin/users, for a supervisor, lists only their department, read-only; another department\'s user is 404', async () => {
    const outsider = await createTestUser({ username: 'other-dept', departmentCode: OTHER_DEPARTMENT, role: 'supervisor' });
    const supervisor = await signInAs(app, 'supervisor', { username: 'sup-own' });
    const list = await supervisor.agent.get('/admin/users').expect(200);
    expect(list.text).to.include('data-user="sup-own"').and.include('data-user="chief-admin"').and.not.include('data-user="other-dept"');
    expect(list.text).to.not.include('href="/admin/users/new"');
    const own = await supervisor.agent.get(`/admin/users/${admin.user.id}`).expect(200);
    expect(own.text).to.not.include('/assignment"');
    await supervisor.agent.get(`/admin/users/${outsider.user.id}`).expect(404);
  });

  it('POST /admin/users, with several mistakes, answers 422 with a summary, each field\'s message and the typed values', async () => {
    const res = await post('/admin/users', newUser({ username: 'Bad Name!', role: 'inspector', inspectorCode: 'NOPE01', password: 'short', passwordConfirm: 'short' })).expect(422);
    expect(res.text).to.include('提交的内容有误');
    for (const field of ['username', 'inspectorCode', 'password']) {
      expect(res.text, field).to.include(`href="#field-${field}"`);
      expect(res.text, field).to.match(new RegExp(`id="field-${field}"[^>]*aria-invalid="true"`));
    }
    expect(res.text).to.include('执法人员名录库中没有该编号').and.include('密码至少需要 10 个字符');
    expect(res.text).to.include('value="Bad Name!"').and.include('value="李明"').and.include('value="NOPE01"');
    expect(res.text).to.not.include('value="short"');
    expect(await User.countDocuments()).to.equal(1);
  });

  it('POST /admin/users with garbage (arrays, over-long values) answers 422, never 500', async () => {
    const res = await admin.agent.post('/admin/users').type('form')
      .send(`_csrf=${admin.csrf}&username=a&username=b&displayName=${'x'.repeat(500)}&role=root`).expect(422);
    expect(res.text).to.include('此项的值无效').and.include('内容过长');
  });

  it('POST /admin/users creates the user, who must change the password, and records who did it', async () => {
    const res = await post('/admin/users', newUser()).expect(303);
    const created = await User.findOne({ username: 'li.ming' }).lean();
    expect(res.headers.location).to.equal(`/admin/users/${created?._id}`);
    expect(created).to.include({ role: 'supervisor', departmentCode: TEST_DEPARTMENT, active: true, mustChangePassword: true });
    const event = await AuditEvent.findOne({ action: 'user.create' }).sort({ at: -1 }).lean();
    expect(event?.actor).to.include({ kind: 'user', label: 'chief-admin' });
    expect(event?.target).to.include({ type: 'user', id: String(created?._id), label: 'li.ming' });
    expect(event?.requestId).to.equal('req-test-0001');
    expect(event?.after).to.include({ role: 'supervisor', departmentCode: TEST_DEPARTMENT });
    expect(JSON.stringify(event)).to.not.include('Temporary-pass-1');
    const page = await admin.agent.get(res.headers.location as string).expect(200);
    expect(page.text).to.include('用户已创建').and.include('data-audit="user.create"');
  });

  it('POST /admin/users, for a taken username, answers 422 naming the field', async () => {
    await post('/admin/users', newUser()).expect(303);
    const res = await post('/admin/users', newUser({ username: 'LI.MING' })).expect(422);
    expect(res.text).to.include('该用户名已被使用');
  });

  it('creates an inspector user linked both ways to the roster record, and refuses a second link or another department', async () => {
    const record = await createInspector({ departmentCode: TEST_DEPARTMENT });
    await post('/admin/users', newUser({ role: 'inspector', inspectorCode: record.inspectorId })).expect(303);
    const user = await User.findOne({ username: 'li.ming' }).lean();
    expect(String(user?.inspectorId)).to.equal(String(record._id));
    expect(String((await Inspector.findById(record._id).lean())?.userId)).to.equal(String(user?._id));
    const again = await post('/admin/users', newUser({ username: 'zhao.lei', role: 'inspector', inspectorCode: record.inspectorId })).expect(422);
    expect(again.text).to.include('该执法人员已关联其他用户');
    const other = await createInspector({ departmentCode: OTHER_DEPARTMENT });
    const mismatch = await post('/admin/users', newUser({ username: 'zhao.lei', role: 'inspector', inspectorCode: other.inspectorId })).expect(422);
    expect(mismatch.text).to.include('所属部门必须与执法人员名录库中登记的部门一致');
  });

  it('POST /admin/users/:id/assignment changes role and department, unlinks the roster record, and audits before/after', async () => {
    const target = await createTestUser({ role: 'inspector', username: 'insp-one' });
    await post(`/admin/users/${target.user.id}/assignment`, { role: 'supervisor', departmentCode: OTHER_DEPARTMENT }).expect(303);
    const after = await User.findById(target.user.id).lean();
    expect(after).to.include({ role: 'supervisor', departmentCode: OTHER_DEPARTMENT });
    expect(after?.inspectorId).to.equal(undefined);
    expect(await Inspector.countDocuments({ userId: target.user.id })).to.equal(0);
    const event = await AuditEvent.findOne({ action: 'user.update' }).lean();
    expect(event?.before).to.include({ role: 'inspector', departmentCode: TEST_DEPARTMENT });
    expect(event?.after).to.include({ role: 'supervisor', departmentCode: OTHER_DEPARTMENT, inspector: null });
  });

  it('POST /admin/users/:id/assignment refuses an admin changing their own role (422)', async () => {
    const res = await post(`/admin/users/${admin.user.id}/assignment`, { role: 'inspector', departmentCode: TEST_DEPARTMENT }).expect(422);
    expect(res.text).to.include('不能修改您本人的角色');
    expect((await User.findById(admin.user.id).lean())?.role).to.equal('admin');
  });

  it('POST /admin/users/:id/disable ends the user\'s sessions and blocks sign-in; enable restores it', async () => {
    const target = await createTestUser({ role: 'supervisor' });
    const victim = await signIn(app, target);
    await post(`/admin/users/${target.user.id}/disable`, {}).expect(303);
    expect((await User.findById(target.user.id).lean())?.active).to.equal(false);
    expect(await Session.countDocuments({ userId: target.user.id })).to.equal(0);
    await victim.agent.get('/admin/users').expect(303);
    expect(await AuditEvent.countDocuments({ action: 'user.disable', 'target.id': target.user.id })).to.equal(1);
    await post(`/admin/users/${target.user.id}/enable`, {}).expect(303);
    await signIn(app, target);
  });

  it('POST /admin/users/:id/disable on oneself answers 422 and changes nothing', async () => {
    const res = await post(`/admin/users/${admin.user.id}/disable`, {}).expect(422);
    expect(res.text).to.include('不能停用或启用您本人的账户');
    expect((await User.findById(admin.user.id).lean())?.active).to.equal(true);
  });

  it('POST /admin/users/:id/password sets a temporary password, ends sessions, and forces a change at next sign-in', async () => {
    const target = await createTestUser({ role: 'supervisor' });
    const old = await signIn(app, target);
    const weak = await post(`/admin/users/${target.user.id}/password`, { password: '1234567890', passwordConfirm: '1234567890' }).expect(422);
    expect(weak.text).to.include('该密码过于常见');
    await post(`/admin/users/${target.user.id}/password`, { password: 'Temp-password-22', passwordConfirm: 'Temp-password-22' }).expect(303);
    await old.agent.get('/api/v1/session').expect(401);
    const fresh = await signIn(app, { ...target, password: 'Temp-password-22' });
    expect((await fresh.agent.get('/admin/users').expect(303)).headers.location).to.equal('/account/password');
    expect(await AuditEvent.countDocuments({ action: 'user.password_reset' })).to.equal(1);
  });

  it('answers 404 for an unknown or malformed user id', async () => {
    await admin.agent.get('/admin/users/0123456789abcdef01234567').expect(404);
    await admin.agent.get('/admin/users/not-an-id').expect(404);
    await post('/admin/users/not-an-id/disable', {}).expect(404);
  });
});

describe('the unique indexes of users', () => {
  it('refuse a second user with the same username', async () => {
    await ensureDepartment();
    const doc = { username: 'dup.user', displayName: 'x', role: 'admin' as const, departmentCode: TEST_DEPARTMENT, passwordHash: 'x' };
    await User.create(doc);
    let code: unknown;
    await User.create(doc).catch((error: { code?: number }) => (code = error.code));
    expect(code).to.equal(11000);
  });

  it('let many users have no roster link, but never two the same one', async () => {
    const base = { displayName: 'x', role: 'inspector' as const, departmentCode: TEST_DEPARTMENT, passwordHash: 'x' };
    await User.create({ ...base, username: 'no-link-1' });
    await User.create({ ...base, username: 'no-link-2' });
    const record = await createInspector();
    await User.create({ ...base, username: 'linked-1', inspectorId: record._id });
    let code: unknown;
    await User.create({ ...base, username: 'linked-2', inspectorId: record._id }).catch((error: { code?: number }) => (code = error.code));
    expect(code).to.equal(11000);
  });
});
