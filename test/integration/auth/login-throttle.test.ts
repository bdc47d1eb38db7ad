// The brute-force policy (README, "Accounts and access"): only completed failures count, the
// lock is per (account, client address), the slowdown per account, the limit per address.
// Client addresses: behind the TLS proxy that TRUST_PROXY declares, the app takes the address
// from X-Forwarded-For exactly as production does, so the tests vary that header on an app
// built with TRUST_PROXY=true; without TRUST_PROXY the header must be ignored (tested too).
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { LoginAttempt } from '../../../models/login-attempt.js';
import { Session } from '../../../models/session.js';
import { AuditEvent } from '../../../models/audit-event.js';
import { attemptLogin } from '../../../server/auth/login.js';
import { ACCOUNT_SLOWDOWN, ADDRESS_LIMIT, claimTurn, PAIR_LOCK } from '../../../server/auth/login-throttle.js';
import { createTestUser, csrfFromHtml } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

/** GET /login then POST /login as a fresh browser (its own CSRF nonce, no session) behind the proxy. */
async function loginFrom(app: Express | Server, address: string | undefined, username: string, password: string) {
  const headers: Record<string, string> = address ? { 'X-Forwarded-For': address, 'X-Forwarded-Proto': 'https' } : {};
  const page = await request(app).get('/login').set(headers).expect(200);
  const nonce = ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
  return request(app).post('/login').set(headers).set('Cookie', nonce).type('form').send({ _csrf: csrfFromHtml(page.text), username, password });
}

describe('login throttling', () => {
  let now = new Date('2026-03-02T08:00:00Z');
  const clock = () => now;
  const proxied = createApp({ config: { ...config, TRUST_PROXY: true }, logger, clock });
  beforeEach(() => {
    now = new Date('2026-03-02T08:00:00Z');
  });

  it('POST /login, 50 concurrent requests with the correct password for one account from one address, all sign in (303)', async function () {
    this.timeout(60_000);
    const account = await createTestUser();
    const app = createApp({ config, logger, clock });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const page = await request(server).get('/login').expect(200);
      const nonce = ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
      const results = await Promise.all(Array.from({ length: 50 }, () => request(server).post('/login').set('Cookie', nonce).type('form')
        .send({ _csrf: csrfFromHtml(page.text), username: account.username, password: account.password })));
      expect(results.map((r) => r.status)).to.deep.equal(Array(50).fill(303));
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    expect(await LoginAttempt.countDocuments({ username: account.username, outcome: 'success' })).to.equal(50);
    expect(await LoginAttempt.countDocuments()).to.equal(50);
    expect(await Session.countDocuments({ userId: account.user.id })).to.equal(50);
  });

  it(`POST /login, after ${PAIR_LOCK.maxFailures} failures from address A, refuses A (429 even with the right password) but lets the account in from address B`, async () => {
    const account = await createTestUser();
    const other = await createTestUser();
    for (let i = 0; i < PAIR_LOCK.maxFailures; i += 1) {
      expect((await loginFrom(proxied, '198.51.100.7', account.username, `wrong-${i}-password`)).status).to.equal(401);
    }
    const locked = await loginFrom(proxied, '198.51.100.7', account.username, account.password);
    expect(locked.status).to.equal(429);
    expect(locked.headers['retry-after']).to.equal('900');
    expect(await AuditEvent.countDocuments({ action: 'auth.lockout', 'target.label': account.username, 'actor.label': 'login from 198.51.100.7' })).to.equal(1);

    expect((await loginFrom(proxied, '203.0.113.20', account.username, account.password)).status).to.equal(303);
    // The pair is locked, not the address: A still signs in to another account.
    expect((await loginFrom(proxied, '198.51.100.7', other.username, other.password)).status).to.equal(303);
    // …and B's success does not reopen A's pair before its time.
    expect((await loginFrom(proxied, '198.51.100.7', account.username, account.password)).status).to.equal(429);
    expect(await LoginAttempt.countDocuments({ username: account.username, ip: '198.51.100.7', outcome: 'locked' })).to.equal(2);
  });

  it('POST /login, without TRUST_PROXY, ignores X-Forwarded-For: a forged header does not escape the lock', async () => {
    const app = createApp({ config, logger, clock });
    const account = await createTestUser();
    for (let i = 0; i < PAIR_LOCK.maxFailures; i += 1) {
      const page = await request(app).get('/login').expect(200);
      const nonce = ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
      await request(app).post('/login').set('X-Forwarded-For', `192.0.2.${i}`).set('Cookie', nonce).type('form')
        .send({ _csrf: csrfFromHtml(page.text), username: account.username, password: `wrong-${i}-password` }).expect(401);
    }
    const page = await request(app).get('/login').expect(200);
    const nonce = ((page.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
    await request(app).post('/login').set('X-Forwarded-For', '192.0.2.99').set('Cookie', nonce).type('form')
      .send({ _csrf: csrfFromHtml(page.text), username: account.username, password: account.password }).expect(429);
    expect(await LoginAttempt.distinct('ip', { username: account.username })).to.have.length(1);
  });

  it(`POST /login, ${ADDRESS_LIMIT.maxFailures + 10} concurrent wrong passwords from one address on as many accounts: ${ADDRESS_LIMIT.maxFailures} checked, the rest paused (429); other addresses unaffected`, async function () {
    this.timeout(60_000);
    const total = ADDRESS_LIMIT.maxFailures + 10;
    const results = await Promise.all(Array.from({ length: total }, (_, i) => loginFrom(proxied, '198.51.100.66', `sprayed-${i}`, 'Spring2026!x')));
    expect(results.filter((r) => r.status === 401)).to.have.length(ADDRESS_LIMIT.maxFailures);
    const paused = results.filter((r) => r.status === 429);
    expect(paused).to.have.length(10);
    expect(paused[0]?.text).to.include('来自您所在网络的登录失败次数过多');
    expect(await LoginAttempt.countDocuments({ ip: '198.51.100.66', outcome: 'limited' })).to.equal(10);

    const account = await createTestUser();
    expect((await loginFrom(proxied, '198.51.100.66', account.username, account.password)).status).to.equal(429);
    expect((await loginFrom(proxied, '203.0.113.21', account.username, account.password)).status).to.equal(303);
  });

  it('claimTurn, called 40 times at once for one address, hands out the places 1…40 once each', async () => {
    const turns = await Promise.all(Array.from({ length: 40 }, (_, i) => claimTurn(`user-${i}`, '10.1.2.3', now)));
    expect(turns.map((t) => t.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await LoginAttempt.countDocuments({ ip: '10.1.2.3', outcome: 'pending' })).to.equal(40);
  });

  it('an attempt abandoned while pending (its process died) counts as a failure after a minute instead of blocking the queue', async () => {
    const account = await createTestUser();
    const stale = await claimTurn(account.username, '10.9.9.9', new Date(now.getTime() - 2 * 60_000));
    expect(stale.seq).to.equal(1);
    for (let i = 0; i < PAIR_LOCK.maxFailures - 1; i += 1) {
      expect(await attemptLogin({ username: account.username, password: `wrong-${i}-password`, ip: '10.9.9.9', now })).to.deep.equal({ ok: false, reason: 'invalid' });
    }
    const result = await attemptLogin({ username: account.username, password: account.password, ip: '10.9.9.9', now });
    expect(result).to.deep.include({ ok: false, reason: 'locked' });
  });

  describe('the per-account slowdown', () => {
    const { afterFailures, firstDelayMs, maxDelayMs } = ACCOUNT_SLOWDOWN;

    /** `afterFailures` failures spread over addresses, none of them locked out. */
    async function failFromManyAddresses(username: string): Promise<void> {
      for (let i = 0; i < afterFailures; i += 1) {
        const ip = `192.0.2.${Math.floor(i / 2) + 1}`;
        expect(await attemptLogin({ username, password: `wrong-${i}-password`, ip, now })).to.deep.equal({ ok: false, reason: 'invalid' });
      }
    }

    it(`after ${afterFailures} failures from all addresses, attempts from a new address wait ${firstDelayMs} ms, doubling per failure, capped at ${maxDelayMs} ms — and still sign in with the right password`, async () => {
      const account = await createTestUser();
      await failFromManyAddresses(account.username);
      const waits: number[] = [];
      const delay = async (ms: number) => {
        waits.push(ms);
      };
      expect(await attemptLogin({ username: account.username, password: 'wrong-again-pw', ip: '203.0.113.50', now, delay })).to.deep.equal({ ok: false, reason: 'invalid' });
      for (let i = 0; i < 6; i += 1) await attemptLogin({ username: account.username, password: `wrong-more-${i}`, ip: `203.0.113.${60 + i}`, now, delay });
      const success = await attemptLogin({ username: account.username, password: account.password, ip: '203.0.113.51', now, delay });
      expect(success.ok).to.equal(true);
      expect(waits).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000, 16_000].map((ms) => Math.min(ms, maxDelayMs)));
    });

    it('does not slow down an address that signed in to the account in the last 30 days', async () => {
      const account = await createTestUser();
      const office = '203.0.113.80';
      expect((await attemptLogin({ username: account.username, password: account.password, ip: office, now: new Date(now.getTime() - 20 * 86_400_000) })).ok).to.equal(true);
      await failFromManyAddresses(account.username);
      const waits: number[] = [];
      const result = await attemptLogin({ username: account.username, password: account.password, ip: office, now, delay: async (ms) => void waits.push(ms) });
      expect(result.ok).to.equal(true);
      expect(waits).to.deep.equal([]);
    });

    it('waits for real: the default delay holds the answer back', async function () {
      this.timeout(30_000);
      const account = await createTestUser();
      await failFromManyAddresses(account.username);
      const started = Date.now();
      expect((await attemptLogin({ username: account.username, password: account.password, ip: '203.0.113.90', now })).ok).to.equal(true);
      expect(Date.now() - started).to.be.at.least(firstDelayMs);
    });
  });
});
