// Sessions in the database: stored under a hash of the id, refused once expired, purged by the
// scheduled job (no TTL index — FerretDB cannot create one, and MongoDB runs the same purge),
// ended by the absolute lifetime; and the development session secret kept in DATA_DIR.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { Session } from '../../../models/session.js';
import { LoginAttempt } from '../../../models/login-attempt.js';
import { scheduledJobs } from '../../../jobs/index.js';
import { startScheduler } from '../../../jobs/scheduler.js';
import { ABSOLUTE_TIMEOUT_MS } from '../../../server/auth/session.js';
import { resolveSessionSecret, SECRET_FILE } from '../../../server/auth/session-secret.js';
import { createTestUser, signIn } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

describe('sessions', () => {
  let now = new Date();
  const app = createApp({ config, logger, clock: () => now });
  beforeEach(() => {
    now = new Date();
  });

  it('are stored under the SHA-256 of their id, never the id itself, with the user id beside', async () => {
    const signed = await signIn(app, await createTestUser());
    const res = await signed.agent.get('/api/v1/session').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid=')) as string;
    const sid = decodeURIComponent(cookie.slice(4, cookie.indexOf(';'))).replace(/^s:/, '').replace(/\.[^.]*$/, '');
    const hashed = createHash('sha256').update(sid).digest('base64url');
    const doc = await Session.findById(hashed).lean();
    expect(doc?.userId?.toString()).to.equal(signed.user.id);
    expect(await Session.exists({ _id: sid })).to.equal(null);
    expect(JSON.parse(doc?.data ?? '{}')).to.not.have.property('password');
  });

  it('an expired session is refused on read, before any purge runs', async () => {
    const signed = await signIn(app, await createTestUser());
    await Session.updateMany({ userId: signed.user.id }, { $set: { expires: new Date(Date.now() - 1000) } });
    await signed.agent.get('/api/v1/session').expect(401);
  });

  it('the scheduled purge job deletes expired sessions and old login attempts, and keeps live ones', async () => {
    const live = await signIn(app, await createTestUser());
    const stale = await signIn(app, await createTestUser());
    await Session.updateMany({ userId: stale.user.id }, { $set: { expires: new Date(Date.now() - 1000) } });
    await LoginAttempt.create({ username: 'old', ip: '10.0.0.1', outcome: 'failure', at: new Date(Date.now() - 91 * 86_400_000) });

    const scheduler = startScheduler(scheduledJobs({ timeZone: 'Asia/Shanghai', dataDir: tmpdir() }), { timeZone: 'Asia/Shanghai', logger });
    try {
      await scheduler.runNow('purge-expired-sessions');
    } finally {
      await scheduler.stop();
    }
    expect(await Session.countDocuments({ userId: stale.user.id })).to.equal(0);
    expect(await Session.countDocuments({ userId: live.user.id })).to.equal(1);
    expect(await LoginAttempt.countDocuments({ username: 'old' })).to.equal(0);
    expect(await LoginAttempt.countDocuments({ username: live.username })).to.equal(1);
    await live.agent.get('/api/v1/session').expect(200);
  });

  it('no TTL index is involved: the sessions collection has none', async () => {
    const indexes = await mongoose.connection.collection(Session.collection.collectionName).indexes();
    expect(indexes.some((index) => 'expireAfterSeconds' in index)).to.equal(false);
    expect(indexes.map((index) => Object.keys(index.key).join())).to.include('expires');
  });

  it(`ends ${ABSOLUTE_TIMEOUT_MS / 3_600_000} hours after login, however active`, async () => {
    const signed = await signIn(app, await createTestUser());
    now = new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS - 60_000);
    await signed.agent.get('/api/v1/session').expect(200);
    now = new Date(now.getTime() + 120_000);
    await signed.agent.get('/api/v1/session').expect(401);
  });
});

describe('the development session secret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is generated once into DATA_DIR with mode 600, then reused', async () => {
    const first = await resolveSessionSecret(undefined, dir);
    expect(first.source).to.equal('generated');
    expect(first.secret.length).to.be.at.least(32);
    expect((await stat(join(dir, SECRET_FILE))).mode & 0o777).to.equal(0o600);
    const second = await resolveSessionSecret(undefined, dir);
    expect(second).to.deep.equal({ secret: first.secret, source: 'file' });
  });

  it('tightens a secret file readable by others to mode 600', async () => {
    await writeFile(join(dir, SECRET_FILE), 'x'.repeat(40));
    await chmod(join(dir, SECRET_FILE), 0o644);
    expect((await resolveSessionSecret(undefined, dir)).secret).to.equal('x'.repeat(40));
    expect((await stat(join(dir, SECRET_FILE))).mode & 0o777).to.equal(0o600);
  });

  it('replaces a secret file too short to be safe', async () => {
    await writeFile(join(dir, SECRET_FILE), 'short\n');
    const resolved = await resolveSessionSecret(undefined, dir);
    expect(resolved.source).to.equal('generated');
    expect((await readFile(join(dir, SECRET_FILE), 'utf8')).trim()).to.equal(resolved.secret);
  });

  it('SESSION_SECRET wins; without a data directory a per-process secret is used', async () => {
    expect(await resolveSessionSecret('s'.repeat(32), dir)).to.deep.equal({ secret: 's'.repeat(32), source: 'config' });
    const ephemeral = await resolveSessionSecret(undefined, undefined);
    expect(ephemeral.source).to.equal('ephemeral');
    expect(ephemeral.secret).to.not.equal((await resolveSessionSecret(undefined, undefined)).secret);
  });
});
