// The login form's nonce cookie is read with the `cookie` package (server/auth/csrf.ts), as the
// language cookie is (server/i18n/index.ts): found among other cookies however they are spaced,
// an undecodable neighbour (`lang=%FF`) ignored, and a malformed nonce treated as none (a new
// one is issued) rather than an error.
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { csrfCookieName } from '../../../server/auth/csrf.js';
import { createTestUser, csrfFromHtml } from '../../helpers/auth.js';

const app = createApp({ config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent') });

async function loginPage(cookie?: string) {
  const req = request(app).get('/login');
  const page = await (cookie ? req.set('Cookie', cookie) : req).expect(200);
  const set = (page.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const nonce = set.map((c) => c.split(';')[0] as string).find((c) => c.startsWith(`${csrfCookieName(false)}=`));
  return { nonce, token: csrfFromHtml(page.text) };
}

describe('the login form\'s nonce cookie', () => {
  it('GET /login, with the nonce among other cookies (no spaces, extra spaces, an undecodable one), keeps it and renders the same token', async () => {
    const first = await loginPage();
    expect(first.nonce).to.be.a('string');
    for (const header of [`lang=%FF;${first.nonce};theme=dark`, `a=1;   ${first.nonce}  ; b=2`, `${first.nonce}`]) {
      const again = await loginPage(header);
      expect(again.nonce, header).to.equal(undefined); // nothing new issued
      expect(again.token, header).to.equal(first.token);
    }
  });

  it('GET /login, with a malformed nonce, issues a new one instead of failing', async () => {
    const page = await loginPage(`${csrfCookieName(false)}=not a nonce!`);
    expect(page.nonce).to.match(new RegExp(`^${csrfCookieName(false)}=[A-Za-z0-9_-]{43}$`));
  });

  it('POST /login, with the nonce sent after an undecodable cookie, signs in (303)', async () => {
    const account = await createTestUser();
    const { nonce, token } = await loginPage();
    await request(app).post('/login').set('Cookie', `lang=%FF; ${nonce}`).type('form')
      .send({ _csrf: token, username: account.username, password: account.password }).expect(303);
  });
});
