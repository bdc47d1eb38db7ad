// Browsing anonymously writes nothing: no session document for any page (the login form
// included), checked on the real entry point started on a fresh database. The login form is
// protected by a stateless signed double-submit token instead (server/auth/csrf.ts).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { csrfCookieName } from '../../../server/auth/csrf.js';
import { LoginAttempt } from '../../../models/login-attempt.js';
import { Session } from '../../../models/session.js';
import { killSpawnedApps, spawnApp, waitReady } from '../../helpers/app-process.js';
import { testDatabase } from '../../helpers/test-db.js';
import { createTestUser, csrfFromHtml } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

/** A minimal browser: keeps the cookies it is given (name=value), sends them back. */
class CookieBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await fetch(`${this.baseUrl}${path}`, { redirect: 'manual', ...init, headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair as string).split('=', 2) as [string, string];
      if (/Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

describe('anonymous browsing', () => {
  describe('on the real entry point with a fresh database', () => {
    const dbName = `fresh_${randomBytes(4).toString('hex')}`;
    let dataDir: string;
    after(async () => {
      await killSpawnedApps();
      await mongoose.connection.useDb(dbName).dropDatabase().catch(() => undefined);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('200 anonymous page views write no session and no per-visitor row; signing in with the stateless token creates exactly one', async function () {
      this.timeout(180_000);
      dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-anon-'));
      const app = await spawnApp({ MONGODB_URI: testDatabase().uriFor(dbName), DATA_DIR: dataDir, NODE_ENV: 'development', DEMO_DATA: 'true', DEMO_ENTITIES: '30' });
      await waitReady(app, 120_000);
      const db = mongoose.connection.useDb(dbName);
      const snapshot = async () => {
        const names = (await db.listCollections()).map((c) => c.name).sort();
        return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await db.collection(name).countDocuments()] as const)));
      };
      const before = await snapshot();
      expect(before.sessions ?? 0).to.equal(0);

      const paths = ['/', '/login', '/items', '/inspectors', '/verify', '/draw-spec', '/no-such-page', '/login?lang=en', '/items?lang=zh-CN',
        '/inspectors?q=%E5%BC%A0', '/admin/users', '/account/password', '/api/v1/items', '/api/v1/session', '/login?returnTo=%2Fadmin%2Fentities', '/verify?lang=en'];
      const browsers = [new CookieBrowser(app.baseUrl), new CookieBrowser(app.baseUrl), new CookieBrowser(app.baseUrl)];
      const statuses = new Set<number>();
      for (let i = 0; i < 200; i += 1) {
        const res = await (browsers[i % browsers.length] as CookieBrowser).fetch(paths[i % paths.length] as string);
        await res.arrayBuffer();
        statuses.add(res.status);
        expect(res.status, paths[i % paths.length]).to.be.below(500);
      }
      expect([...statuses]).to.include.members([200, 404]);
      expect(browsers.every((b) => b.cookies.has(csrfCookieName(false)) && !b.cookies.has('sid'))).to.equal(true);
      // The only writes: the home page's figures, a cache computed once for everyone (server/rosters/
      // roster-figures.ts), and the public cache's generation document, created once by the first
      // public page (server/http/public-cache.ts) — never a row per visitor.
      const { rosterfigures: figures = 0, appmetas: metas = 0, ...after } = await snapshot();
      const { rosterfigures: _figures, appmetas: metasBefore = 0, ...beforeRest } = before;
      expect(after).to.deep.equal(beforeRest);
      expect(metas - metasBefore, 'at most the public cache generation document').to.be.within(0, 1);
      expect(figures).to.be.at.most(1);

      // The demo administrator signs in through the login form with its stateless token.
      const password = /demo-admin\s+(\S+)/.exec(app.output())?.[1];
      expect(password, 'demo credentials printed on first start').to.be.a('string');
      const browser = browsers[0] as CookieBrowser;
      const page = await browser.fetch('/login');
      const body = new URLSearchParams({ _csrf: csrfFromHtml(await page.text()), username: 'demo-admin', password: password as string });
      const login = await browser.fetch('/login', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(login.status).to.equal(303);
      expect(browser.cookies.has('sid')).to.equal(true);
      expect(await db.collection('sessions').countDocuments()).to.equal(1);
      const session = await browser.fetch('/api/v1/session');
      expect(((await session.json()) as { user: { username: string } }).user.username).to.equal('demo-admin');
    });
  });

  describe('the login form\'s stateless CSRF token', () => {
    const app = createApp({ config, logger });

    async function loginPage() {
      const page = await request(app).get('/login').expect(200);
      const nonce = ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
      return { nonce, token: csrfFromHtml(page.text) };
    }

    it('POST /login, with the token and its nonce cookie, signs in without any session before it', async () => {
      const account = await createTestUser();
      const { nonce, token } = await loginPage();
      expect(await Session.countDocuments()).to.equal(0);
      await request(app).post('/login').set('Cookie', nonce).type('form').send({ _csrf: token, username: account.username, password: account.password }).expect(303);
      expect(await Session.countDocuments()).to.equal(1);
    });

    it('GET /login, for a browser that already has a nonce, keeps it and renders the same token (several tabs work)', async () => {
      const { nonce, token } = await loginPage();
      const again = await request(app).get('/login').set('Cookie', nonce).expect(200);
      expect(again.headers['set-cookie']).to.equal(undefined);
      expect(csrfFromHtml(again.text)).to.equal(token);
    });

    const forgeries: Array<[string, (real: { nonce: string; token: string }, other: { nonce: string; token: string }) => { cookie?: string; token?: string }]> = [
      ['no token', (real) => ({ cookie: real.nonce })],
      ['no nonce cookie', (real) => ({ token: real.token })],
      ['a token made up by the attacker', (real) => ({ cookie: real.nonce, token: `${real.token.slice(0, -2)}AA` })],
      ['the nonce of one browser with the token of another', (real, other) => ({ cookie: real.nonce, token: other.token })],
      ['a nonce and token pair of a different secret', (real, other) => ({ cookie: other.nonce, token: other.token })],
      ['the nonce itself as the token', (real) => ({ cookie: real.nonce, token: real.nonce.split('=')[1] as string })],
    ];
    for (const [name, forge] of forgeries) {
      it(`POST /login, with ${name}, answers 403 csrf_invalid and checks no password`, async () => {
        const account = await createTestUser();
        const real = await loginPage();
        const other = name.includes('different secret')
          ? await request(createApp({ config, logger, sessionSecret: 'another-secret-another-secret-xx' })).get('/login').then((page) => ({
            nonce: ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string, token: csrfFromHtml(page.text),
          }))
          : await loginPage();
        const { cookie, token } = forge(real, other);
        let req = request(app).post('/login').set('Accept', 'application/json');
        if (cookie) req = req.set('Cookie', cookie);
        const res = await req.type('form').send({ ...(token ? { _csrf: token } : {}), username: account.username, password: account.password }).expect(403);
        expect(res.body.error.code).to.equal('csrf_invalid');
        expect(await LoginAttempt.countDocuments()).to.equal(0);
        expect(await Session.countDocuments()).to.equal(0);
      });
    }

    it('a signed-in browser must use its session token: the anonymous double-submit token is refused (403)', async () => {
      const account = await createTestUser();
      const { nonce, token } = await loginPage();
      const login = await request(app).post('/login').set('Cookie', nonce).type('form').send({ _csrf: token, username: account.username, password: account.password }).expect(303);
      const sid = ((login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid=')) as string).split(';')[0] as string;
      const refused = await request(app).post('/logout').set('Accept', 'application/json').set('Cookie', `${nonce}; ${sid}`).type('form').send({ _csrf: token }).expect(403);
      expect(refused.body.error.code).to.equal('csrf_invalid');
      await request(app).get('/api/v1/session').set('Cookie', sid).expect(200);
    });
  });
});
