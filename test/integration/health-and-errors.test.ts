import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import { createEntity, createInspector } from '../helpers/factories.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

describe('health, errors and the home page', () => {
  const app = createApp({ config, logger });

  it('GET /healthz answers 200 while the process is alive', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers', async () => {
    const res = await request(app).get('/readyz').expect(200);
    expect(res.body.database).to.equal('up');
  });

  it('GET /readyz answers 503 when the database does not answer', async () => {
    const downApp = createApp({ config, logger, isReady: async () => false });
    const res = await request(downApp).get('/readyz').expect(503);
    expect(res.body).to.deep.equal({ status: 'unavailable', database: 'down' });
  });

  it('an unknown page answers a real 404 page in Chinese by default, with the request id', async () => {
    const res = await request(app).get('/no-such-page').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).to.match(/html/);
    expect(res.text).to.include('页面不存在');
    expect(res.text).to.include(res.headers['x-request-id']);
  });

  it('an unknown page answers English when asked with ?lang=en, and the choice is kept in a cookie', async () => {
    const res = await request(app).get('/no-such-page?lang=en').set('Accept', 'text/html').expect(404);
    expect(res.text).to.include('Page not found');
    const cookie = res.headers['set-cookie'] as unknown as string[];
    expect(cookie.join(';')).to.include('lang=en');
    const next = await request(app).get('/').set('Cookie', 'lang=en').expect(200);
    expect(next.text).to.include('Rosters at a glance');
  });

  it('an unknown resource answers JSON 404 with a code when JSON is preferred', async () => {
    const res = await request(app).get('/api/v1/nothing').expect(404);
    expect(res.body.error.code).to.equal('not_found');
    expect(res.body.error.requestId).to.equal(res.headers['x-request-id']);
  });

  it('a failing route answers 500 without a stack trace outside development', async () => {
    const failing = createApp({ config, logger, isReady: async () => { throw new Error('secret internals'); } });
    const html = await request(failing).get('/readyz').set('Accept', 'text/html').expect(500);
    expect(html.text).to.include('服务器错误');
    expect(html.text).to.not.include('secret internals');
    const json = await request(failing).get('/readyz').set('Accept', 'application/json').expect(500);
    expect(json.body.error).to.include({ code: 'internal_error', message: 'Internal server error' });
    expect(JSON.stringify(json.body)).to.not.include('secret internals');
  });

  it('a failing route shows the stack trace in development only', async () => {
    const devApp = createApp({ config: { ...config, NODE_ENV: 'development' }, logger, isReady: async () => { throw new Error('visible in dev'); } });
    const html = await request(devApp).get('/readyz').set('Accept', 'text/html').expect(500);
    expect(html.text).to.include('visible in dev');
  });

  it('keeps a caller-supplied safe request id and replaces an unsafe one', async () => {
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'abc-123-def-456');
    expect(kept.headers['x-request-id']).to.equal('abc-123-def-456');
    const replaced = await request(app).get('/healthz').set('X-Request-Id', '<script>');
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers: a strict Content-Security-Policy without inline scripts', async () => {
    const res = await request(app).get('/').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.not.include('unsafe-inline');
    expect(res.headers['x-powered-by']).to.equal(undefined);
  });

  it('GET / shows roster counts from the database', async () => {
    await createEntity();
    await createEntity({ status: '注销' });
    await createInspector();
    const res = await request(app).get('/').expect(200);
    expect(res.text).to.match(/data-stat="entities">2</);
    expect(res.text).to.match(/data-stat="drawable">1</);
    expect(res.text).to.match(/data-stat="inspectors">1</);
  });
});
