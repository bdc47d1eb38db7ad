// The signed-in user's password page: validation with 422, the change itself (which ends the
// user's other sessions), and the rule that a password set by an administrator must be
// replaced before anything else.
import { expect } from 'chai';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { User } from '../../../models/user.js';
import { AuditEvent } from '../../../models/audit-event.js';
import { createTestUser, signIn, signInAs } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

describe('changing one\'s own password', () => {
  const app = createApp({ config, logger });

  it('POST /account/password, with a wrong current password and a short new one, answers 422 naming both fields', async () => {
    const me = await signInAs(app, 'inspector');
    const res = await me.agent.post('/account/password').type('form')
      .send({ _csrf: me.csrf, currentPassword: 'not-my-password', password: 'short', passwordConfirm: 'short' })
      .expect(422);
    expect(res.text).to.include('当前密码不正确').and.include('密码至少需要 10 个字符');
    expect(res.text).to.include('href="#field-currentPassword"').and.include('href="#field-password"');
    expect(res.text).to.match(/id="field-password"[^>]*aria-describedby="field-password-hint field-password-error"[^>]*aria-invalid="true"/);
    expect(res.text).to.not.include('not-my-password');
  });

  it('POST /account/password refuses the username, a common password and a mismatched repeat', async () => {
    const me = await signIn(app, await createTestUser({ username: 'wang.gang.hj' }));
    const send = (password: string, passwordConfirm = password) =>
      me.agent.post('/account/password').type('form').send({ _csrf: me.csrf, currentPassword: me.password, password, passwordConfirm }).expect(422);
    expect((await send('WANG.GANG.HJ')).text).to.include('密码不能与用户名相同');
    expect((await send('password123')).text).to.include('该密码过于常见');
    expect((await send('a-long-new-password', 'another-one-entirely')).text).to.include('两次输入的密码不一致');
  });

  it('POST /account/password, when valid, changes the hash, audits, keeps this session and ends the others', async () => {
    const account = await createTestUser({ role: 'supervisor' });
    const here = await signIn(app, account);
    const elsewhere = await signIn(app, account);
    const before = (await User.findById(account.user.id).lean())?.passwordHash;
    const res = await here.agent.post('/account/password').type('form')
      .send({ _csrf: here.csrf, currentPassword: account.password, password: 'Brand-new-passphrase', passwordConfirm: 'Brand-new-passphrase' })
      .expect(303);
    expect(res.headers.location).to.equal('/account/password');
    const page = await here.agent.get('/account/password').expect(200);
    expect(page.text).to.include('密码已修改');
    await elsewhere.agent.get('/api/v1/session').expect(401);
    const after = await User.findById(account.user.id).lean();
    expect(after?.passwordHash).to.not.equal(before);
    expect(after?.passwordHash).to.match(/^\$scrypt\$ln=15,r=8,p=1\$/);
    const event = await AuditEvent.findOne({ action: 'account.password_change' }).lean();
    expect(event?.actor.label).to.equal(account.username);
    expect(JSON.stringify(event)).to.not.include('Brand-new-passphrase');
    await signIn(app, { ...account, password: 'Brand-new-passphrase' });
  });

  it('a user whose password an administrator set is kept on the password page until they change it', async () => {
    const account = await createTestUser({ role: 'supervisor', mustChangePassword: true });
    const agent = (await signIn(app, account)).agent;
    const session = await agent.get('/api/v1/session').expect(403);
    expect(session.body.error.code).to.equal('password_change_required');
    const page = await agent.get('/admin/users').expect(303);
    expect(page.headers.location).to.equal('/account/password');
    const form = await agent.get('/account/password').expect(200);
    expect(form.text).to.include('您的密码由管理员设置');
    await agent.get('/').expect((res) => expect(res.status).to.not.equal(303)); // public pages stay open
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    await agent.post('/account/password').type('form')
      .send({ _csrf: csrf, currentPassword: account.password, password: 'My-own-passphrase', passwordConfirm: 'My-own-passphrase' })
      .expect(303);
    await agent.get('/admin/users').expect(200);
    await agent.get('/api/v1/session').expect(200);
  });
});
