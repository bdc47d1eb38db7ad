import { expect } from 'chai';
import { CONFIG_DOCS, ConfigError, loadConfig } from '../../server/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('with an empty environment, gives development defaults (port 3000, Asia/Shanghai, demo data on)', () => {
    const config = loadConfig({});
    expect(config.PORT).to.equal(3000);
    expect(config.HOST).to.equal('127.0.0.1');
    expect(config.TIME_ZONE).to.equal('Asia/Shanghai');
    expect(config.DEMO_DATA).to.equal(true);
    expect(config.LOG_FORMAT).to.equal('pretty');
    expect(config.isProduction).to.equal(false);
    expect(config.dataDir).to.match(/\/data$/);
  });

  it('with a non-numeric PORT, names PORT', () => {
    expect(problemsOf({ PORT: 'abc' })).to.deep.equal(['PORT is not a number']);
  });

  it('with several bad variables, names each of them', () => {
    const problems = problemsOf({ PORT: '70000', TIME_ZONE: 'Mars/Olympus', MONGODB_URI: 'http://x' });
    expect(problems.join(' ')).to.include('PORT').and.include('TIME_ZONE').and.include('MONGODB_URI');
    expect(problems).to.have.length(3);
  });

  it('in production, requires SESSION_SECRET and MONGODB_URI (secrets have no defaults)', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).to.deep.equal(['SESSION_SECRET is required in production', 'MONGODB_URI is required in production']);
  });

  it('in production, refuses demo data and short secrets', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'short', MONGODB_URI: 'mongodb://db/x' })[0]).to.match(/^SESSION_SECRET/);
    expect(
      problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db/x', DEMO_DATA: 'true' }),
    ).to.deep.equal(['DEMO_DATA cannot be enabled in production']);
  });

  it('in production with what it needs, turns demo data off and logs JSON', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db/x' });
    expect(config.DEMO_DATA).to.equal(false);
    expect(config.LOG_FORMAT).to.equal('json');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).to.equal(3000);
  });

  it('documents every variable', () => {
    for (const [key, entry] of Object.entries(CONFIG_DOCS)) expect(entry.doc, key).to.have.length.greaterThan(5);
  });
});

describe('request log URLs', () => {
  it('redact a CSRF token carried in the query string', async () => {
    const { withoutSecrets } = await import('../../server/middleware/request-logger.js');
    expect(withoutSecrets('/admin/imports?_csrf=abc123&x=1')).to.equal('/admin/imports?_csrf=[redacted]&x=1');
    expect(withoutSecrets('/items?department=A')).to.equal('/items?department=A');
  });
});
