// Signing in and out through the real app: session regeneration, cookie flags, the lock of an
// (account, address) pair after repeated failures (recorded as LoginAttempt rows), the
// per-address limit, safe returnTo. The throttling policy in depth: login-throttle.test.ts;
// the stateless CSRF token of the login form: anonymous-browsing.test.ts.
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { LoginAttempt } from '../../../models/login-attempt.js';
import { User } from '../../../models/user.js';
import { Session } from '../../../models/session.js';
import { AuditEvent } from '../../../models/audit-event.js';
import { ADDRESS_LIMIT } from '../../../server/auth/login.js';
import { csrfCookieName } from '../../../server/auth/csrf.js';
import { anonymous, createTestUser, csrfFromHtml, signIn } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

function cookiesOf(res: request.Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

describe('login and logout', () => {
  let now = new Date('2026-03-02T08:00:00Z');
  const app = createApp({ config, logger, clock: () => now });
  beforeEach(() => {
    now = new Date('2026-03-02T08:00:00Z');
  });

  async function tryLogin(username: string, password: string, agentAndToken?: Awaited<ReturnType<typeof anonymous>>) {
    const { agent, csrf } = agentAndToken ?? (await anonymous(app));
    return agent.post('/login').type('form').send({ _csrf: csrf, username, password });
  }

  it('GET /login shows a labelled form with a CSRF field, sets only the CSRF nonce cookie and stores no session', async () => {
    const res = await request(app).get('/login').expect(200);
    expect(res.text).to.match(/<label for="field-username">/);
    expect(res.text).to.match(/<input id="field-password" name="password" type="password"/);
    expect(csrfFromHtml(res.text)).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(cookiesOf(res).some((c) => c.startsWith('sid='))).to.equal(false);
    const cookie = cookiesOf(res).find((c) => c.startsWith(`${csrfCookieName(false)}=`));
    expect(cookie, 'CSRF nonce cookie').to.be.a('string');
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.match(/Path=\//).and.not.match(/Secure/i).and.not.match(/Max-Age|Expires/i);
    expect(await Session.countDocuments()).to.equal(0);
  });

  it('POST /login, with the right password, starts a session and redirects (303) to a safe returnTo', async () => {
    const account = await createTestUser({ role: 'supervisor' });
    const agent = request.agent(app);
    const page = await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form')
      .send({ _csrf: csrfFromHtml(page.text), username: account.username.toUpperCase(), password: account.password, returnTo: '/admin/users?page=2' })
      .expect(303);
    expect(res.headers.location).to.equal('/admin/users?page=2');
    expect(cookiesOf(res).find((c) => c.startsWith('sid='))).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    expect(await Session.countDocuments()).to.equal(1);
    const session = await agent.get('/api/v1/session').expect(200);
    expect(session.body.user).to.deep.include({ username: account.username, role: 'supervisor' });
    expect(await LoginAttempt.countDocuments({ username: account.username, outcome: 'success' })).to.equal(1);
    expect((await User.findOne({ username: account.username }).lean())?.lastLoginAt).to.be.instanceOf(Date);
  });

  it('POST /login, from a browser already signed in, replaces its session with a new id (no fixation)', async () => {
    const first = await signIn(app, await createTestUser());
    const second = await createTestUser();
    const before = await Session.findOne({ userId: first.user.id }).lean();
    const res = await first.agent.post('/login').type('form')
      .send({ _csrf: first.csrf, username: second.username, password: second.password })
      .expect(303);
    expect(cookiesOf(res).some((c) => c.startsWith('sid='))).to.equal(true);
    expect(await Session.exists({ _id: before?._id })).to.equal(null);
    expect(await Session.countDocuments({ userId: second.user.id })).to.equal(1);
    const session = await first.agent.get('/api/v1/session').expect(200);
    expect(session.body.user.username).to.equal(second.username);
  });

  it('POST /login, with a control character in returnTo, answers 422 and signs nobody in', async () => {
    const account = await createTestUser();
    const anon = await anonymous(app);
    await anon.agent.post('/login').type('form')
      .send({ _csrf: anon.csrf, username: account.username, password: account.password, returnTo: '/\t/evil.example' })
      .expect(422);
    expect(await Session.countDocuments()).to.equal(0);
  });

  for (const evil of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/login?returnTo=/x']) {
    it(`POST /login, with returnTo=${JSON.stringify(evil)}, redirects to the role's start page instead`, async () => {
      const account = await createTestUser();
      const anon = await anonymous(app);
      const res = await anon.agent.post('/login').type('form')
        .send({ _csrf: anon.csrf, username: account.username, password: account.password, returnTo: evil })
        .expect(303);
      expect(res.headers.location).to.equal('/admin');
    });
  }

  it('POST /login, with a wrong password, answers 401 with the message and keeps the username typed', async () => {
    const account = await createTestUser();
    const res = await tryLogin(account.username, 'wrong-password-1');
    expect(res.status).to.equal(401);
    expect(res.text).to.include('用户名或密码错误');
    expect(res.text).to.include(`value="${account.username}"`);
    expect(res.text).to.not.include('wrong-password-1');
    expect(await LoginAttempt.countDocuments({ outcome: 'failure' })).to.equal(1);
  });

  it('POST /login, with empty fields, answers 422 with an error summary linking to each field', async () => {
    const res = await tryLogin('', '');
    expect(res.status).to.equal(422);
    expect(res.text).to.include('href="#field-username"').and.include('href="#field-password"');
    expect(res.text).to.match(/id="field-username"[^>]*aria-describedby="field-username-error"[^>]*aria-invalid="true"/);
  });

  it('POST /login, for an unknown user, answers like a wrong password', async () => {
    const res = await tryLogin('nobody-here', 'whatever-password');
    expect(res.status).to.equal(401);
    expect(res.text).to.include('用户名或密码错误');
  });

  it('POST /login, for a disabled user with the right password, says the account is disabled', async () => {
    const account = await createTestUser();
    await User.updateOne({ username: account.username }, { $set: { active: false } });
    const res = await tryLogin(account.username, account.password);
    expect(res.status).to.equal(403);
    expect(res.text).to.include('该账户已停用');
  });

  it('POST /login without the CSRF token answers 403 and signs nobody in', async () => {
    const account = await createTestUser();
    const agent = request.agent(app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ username: account.username, password: account.password }).expect(403);
    expect(res.text).to.include('表单已过期');
    expect(await LoginAttempt.countDocuments()).to.equal(0);
  });

  it('after 5 failures from one address, that address is locked out of the account for 15 minutes (429, even with the right password), then let in again', async () => {
    const account = await createTestUser();
    for (let i = 0; i < 5; i += 1) expect((await tryLogin(account.username, `wrong-${i}-password`)).status).to.equal(401);
    const locked = await tryLogin(account.username, account.password);
    expect(locked.status).to.equal(429);
    expect(locked.text).to.include('已暂停从此处登录').and.include('15 分钟').and.include('其他网络不受影响');
    expect(await LoginAttempt.countDocuments({ username: account.username, outcome: 'locked' })).to.equal(1);
    expect(locked.headers['retry-after']).to.equal('900');
    expect(await AuditEvent.countDocuments({ action: 'auth.lockout', 'target.label': account.username })).to.equal(1);
    now = new Date(now.getTime() + 14 * 60_000);
    expect((await tryLogin(account.username, account.password)).status).to.equal(429);
    now = new Date(now.getTime() + 61_000);
    expect((await tryLogin(account.username, account.password)).status).to.equal(303);
  });

  it('a success resets the failure count: 4 failures, a success, 4 failures do not lock', async () => {
    const account = await createTestUser();
    for (let i = 0; i < 4; i += 1) await tryLogin(account.username, `wrong-${i}-password`);
    now = new Date(now.getTime() + 1000);
    expect((await tryLogin(account.username, account.password)).status).to.equal(303);
    for (let i = 0; i < 4; i += 1) {
      now = new Date(now.getTime() + 1000);
      await tryLogin(account.username, `wrong-${i}-password`);
    }
    now = new Date(now.getTime() + 1000);
    expect((await tryLogin(account.username, account.password)).status).to.equal(303);
  });

  it('a burst of 12 parallel guesses from one address gets exactly 5 passwords checked; the other 7 wait, then are locked', async () => {
    const account = await createTestUser();
    const anon = await anonymous(app);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => tryLogin(account.username, `guess-${i}-password`, anon)));
    expect(results.map((r) => r.status).sort()).to.deep.equal([...Array(5).fill(401), ...Array(7).fill(429)]);
    expect(await LoginAttempt.countDocuments({ username: account.username, outcome: 'failure' })).to.equal(5);
    expect(await LoginAttempt.countDocuments({ username: account.username, outcome: 'locked' })).to.equal(7);
  });

  it('one address failing on many usernames is paused (429) with a clear message', async () => {
    expect((await tryLogin('user-a', 'any-password-1')).status).to.equal(401);
    const ip = (await LoginAttempt.findOne().lean())?.ip;
    const rows = Array.from({ length: ADDRESS_LIMIT.maxFailures - 1 }, (_, i) => ({ username: `user${i}`, ip, outcome: 'failure', at: new Date(now.getTime() - 1000) }));
    await LoginAttempt.insertMany(rows);
    const res = await tryLogin('someone-else', 'any-password-1');
    expect(res.status).to.equal(429);
    expect(res.text).to.include('来自您所在网络的登录失败次数过多');
  });

  it('POST /logout destroys the session, clears the cookie, and the old cookie no longer signs in', async () => {
    const signed = await signIn(app, await createTestUser());
    const res = await signed.agent.post('/logout').type('form').send({ _csrf: signed.csrf }).expect(303);
    expect(res.headers.location).to.equal('/login?loggedOut=1');
    expect(cookiesOf(res).some((c) => /^sid=;/.test(c) && /Expires=Thu, 01 Jan 1970/.test(c))).to.equal(true);
    expect(await Session.countDocuments({ userId: signed.user.id })).to.equal(0);
    const after = await signed.agent.get('/api/v1/session').expect(401);
    expect(after.body.error.code).to.equal('unauthorized');
  });

  it('the header shows the signed-in user and a logout form with the CSRF token', async () => {
    const signed = await signIn(app, await createTestUser({ displayName: '王测试' }));
    const res = await signed.agent.get('/account/password').expect(200);
    expect(res.text).to.include('当前用户：王测试');
    expect(res.text).to.match(/<form method="post" action="\/logout"[\s\S]*?name="_csrf" value="[0-9a-f]{64}"/);
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('behind a TLS proxy (TRUST_PROXY) the CSRF and session cookies are Secure and __Host- prefixed', async () => {
    const proxied = createApp({ config: { ...config, TRUST_PROXY: true }, logger });
    const account = await createTestUser();
    const page = await request(proxied).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const nonce = cookiesOf(page).find((c) => c.startsWith('__Host-csrf=')) as string;
    expect(nonce).to.match(/Secure/).and.match(/HttpOnly/).and.match(/Path=\//);
    const res = await request(proxied).post('/login').set('X-Forwarded-Proto', 'https').set('Cookie', nonce.split(';')[0] as string)
      .type('form').send({ _csrf: csrfFromHtml(page.text), username: account.username, password: account.password }).expect(303);
    const cookie = cookiesOf(res).find((c) => c.startsWith('__Host-sid='));
    expect(cookie).to.match(/Secure/).and.match(/HttpOnly/).and.match(/Path=\//);
    // A plain `csrf` cookie (which a sibling subdomain could plant) is not the one read over HTTPS.
    await request(proxied).post('/login').set('X-Forwarded-Proto', 'https').set('Cookie', nonce.split(';')[0]?.replace('__Host-csrf', 'csrf') as string)
      .type('form').send({ _csrf: csrfFromHtml(page.text), username: account.username, password: account.password }).expect(403);
  });

  it('a JSON client sends the token as X-CSRF-Token; without it the answer is 403 csrf_invalid in JSON', async () => {
    const signed = await signIn(app, await createTestUser());
    const refused = await signed.agent.post('/logout').set('Accept', 'application/json').send({}).expect(403);
    expect(refused.body.error.code).to.equal('csrf_invalid');
    const wrong = await signed.agent.post('/logout').set('Accept', 'application/json').set('X-CSRF-Token', 'f'.repeat(64)).send({}).expect(403);
    expect(wrong.body.error.code).to.equal('csrf_invalid');
    await signed.agent.get('/api/v1/session').expect(200);
    await signed.agent.post('/logout').set('X-CSRF-Token', signed.csrf).send({}).expect(303);
    await signed.agent.get('/api/v1/session').expect(401);
  });

  it('a form body over the size limit answers 413', async () => {
    const anon = await anonymous(app);
    await anon.agent.post('/login').type('form').send({ _csrf: anon.csrf, username: 'x', password: 'y'.repeat(200_000) }).expect(413);
  });
});
