// The access table against the real app, by enumeration: every route Express has registered
// must have a rule (and every rule a route); every protected route must turn anonymous callers
// away and refuse every role its rule does not list. Nothing here is a hand-picked list.
import { expect } from 'chai';
import express, { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import type { AccessTable, RouteRules } from '../../../server/access/rules.js';
import { ACCESS_TABLE, MOUNTS, accessTableOf } from '../../../server/features.js';
import { mount } from '../../../server/routes/mount.js';
import { checkAccessTable, listRoutes, type RegisteredRoute } from '../../helpers/route-table.js';
import { compileTable } from '../../../server/access/policy.js';
import { ROLES, type Role } from '../../../models/user.js';
import { anonymous, signInAs, type SignedIn } from '../../helpers/auth.js';

const logger = createLogger('silent');
const config = { isProduction: false, NODE_ENV: 'test' as const, TRUST_PROXY: false };

/** A concrete URL for a route pattern: every :param becomes a well-formed id nobody has. */
function sample(path: string): string {
  return path.replace(/:\w+/g, '0123456789abcdef01234567').replace(/\*\w+/g, 'x');
}

function call(agent: SignedIn['agent'], route: RegisteredRoute, csrf: string) {
  const url = sample(route.path);
  const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const pending = agent[method](url).set('Accept', 'text/html').redirects(0);
  return method === 'get' ? pending : pending.set('X-CSRF-Token', csrf).type('form').send({});
}

describe('the access table', () => {
  const app = createApp({ config, logger });
  const rules = new Map(compileTable(ACCESS_TABLE).map((rule) => [`${rule.method} ${rule.path}`, rule.access]));
  const { routes } = listRoutes(app);
  const protectedRoutes = routes.filter((route) => rules.get(`${route.method} ${route.path}`) !== 'public');

  it('finds the routes of the real app (sanity check of the router walk)', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(keys).to.include.members(['GET /healthz', 'GET /', 'POST /login', 'GET /admin/users/:id', 'POST /account/password']);
  });

  it('declares a rule for every registered route, and every rule belongs to a route', () => {
    const report = checkAccessTable(app, ACCESS_TABLE);
    expect(report.undeclared, 'routes without a rule').to.deep.equal([]);
    expect(report.unused, 'rules without a route').to.deep.equal([]);
    expect(report.unguarded, 'protected routes registered before the access middleware').to.deep.equal([]);
    expect(report.opaque, 'mounted things the walk cannot see into').to.deep.equal([]);
    expect(report.conflicts, 'overlapping rules with different access').to.deep.equal([]);
  });

  it('reports a stray route registered without a rule, wherever it is mounted', () => {
    const stray = createApp({ config, logger });
    const nested = Router();
    nested.get('/leak', (_req, res) => { res.send('secret'); });
    stray.get('/stray', (_req, res) => { res.send('secret'); });
    stray.use('/admin/extra', nested);
    stray.use('/sub', express());
    const report = checkAccessTable(stray, ACCESS_TABLE);
    expect(report.undeclared).to.have.members(['GET /stray', 'GET /admin/extra/leak']);
    expect(report.opaque).to.deep.equal(['sub-application mounted at /sub']);
  });

  it('reports a protected route registered before the access middleware', () => {
    const early = express();
    early.post('/logout', (_req, res) => { res.end(); });
    const report = checkAccessTable(early, ACCESS_TABLE);
    expect(report.unguarded).to.deep.equal(['POST /logout']);
  });

  it('answers 404 for a registered route whose rule is missing (fail closed), even to an admin', async () => {
    const { 'GET /': _dropped, ...kept } = ACCESS_TABLE['/admin/users'] as RouteRules;
    const table: AccessTable = { ...ACCESS_TABLE, '/admin/users': kept };
    const partial = createApp({ config, logger, accessTable: table });
    expect(checkAccessTable(partial, table).undeclared).to.deep.equal(['GET /admin/users']);
    const admin = await signInAs(partial, 'admin');
    await admin.agent.get('/admin/users').expect(404);
    await admin.agent.get('/admin/users/new').expect(200);
  });

  it('a feature mount whose router has a route its rules omit: the route is reported and answers 404, even to an admin', async () => {
    const feature = mount({
      path: '/example-feature',
      rules: { 'GET /': ['admin', 'supervisor'] },
      router: () => Router().get('/', (_req, res) => { res.send('list'); }).get('/:id', (_req, res) => { res.send('secret'); }),
    });
    const mounts = [...MOUNTS, feature];
    const withFeature = createApp({ config, logger, mounts });
    const report = checkAccessTable(withFeature, accessTableOf(mounts));
    expect(report.undeclared).to.deep.equal(['GET /example-feature/:id']);
    const admin = await signInAs(withFeature, 'admin');
    await admin.agent.get('/example-feature').expect(200, 'list');
    await admin.agent.get('/example-feature/1').expect(404);
  });

  it('refuses a route declared twice, by two mounts that reach the same path', () => {
    const twice = mount({ path: '/admin', rules: { 'GET /users': ['admin'] }, router: () => Router() });
    expect(() => accessTableOf([...MOUNTS, twice])).to.throw('GET /admin/users is declared twice');
  });

  it('a public route declared { csrf: false } is reached without a token; the same route otherwise is not', async () => {
    const exempt: AccessTable = { ...ACCESS_TABLE, '/login': { ...ACCESS_TABLE['/login'], 'POST /': { access: 'public', csrf: false } } };
    const relaxed = createApp({ config, logger, accessTable: exempt });
    expect(checkAccessTable(relaxed, exempt).undeclared).to.deep.equal([]);
    await request(relaxed).post('/login').type('form').send({ username: 'nobody-at-all', password: 'whatever-1234' }).expect(401);
    await request(app).post('/login').type('form').send({ username: 'nobody-at-all', password: 'whatever-1234' }).expect(403);
  });

  describe('every protected route turns anonymous callers away', () => {
    it(`(${protectedRoutes.length} routes) pages with 303 to /login, /api/ with 401 JSON`, async () => {
      expect(protectedRoutes.length).to.be.greaterThan(5);
      const { agent, csrf } = await anonymous(app);
      for (const route of protectedRoutes) {
        const res = await call(agent, route, csrf);
        const label = `${route.method} ${route.path}`;
        if (route.path.startsWith('/api/')) {
          expect(res.status, label).to.equal(401);
          expect(res.body.error.code, label).to.equal('unauthorized');
        } else {
          expect(res.status, label).to.equal(303);
          const expected = route.method === 'GET' ? `/login?returnTo=${encodeURIComponent(sample(route.path))}` : '/login';
          expect(res.headers.location, label).to.equal(expected);
        }
      }
    });
  });

  describe('every role-restricted route refuses the roles it does not list', () => {
    const signedIn = new Map<Role, SignedIn>();
    beforeEach(async () => {
      for (const role of ROLES) signedIn.set(role, await signInAs(app, role));
    });

    it('with 403, and lets the listed roles past the access check', async () => {
      let refusals = 0;
      for (const route of protectedRoutes) {
        const access = rules.get(`${route.method} ${route.path}`);
        if (!Array.isArray(access)) continue;
        for (const role of ROLES) {
          const who = signedIn.get(role) as SignedIn;
          const label = `${role} ${route.method} ${route.path}`;
          if (!access.includes(role)) {
            const res = await call(who.agent, route, who.csrf);
            expect(res.status, label).to.equal(403);
            refusals += 1;
          } else if (route.method === 'GET') {
            // Past the access check the sample id is unknown: 200 or 404, never 401/403/login.
            const res = await call(who.agent, route, who.csrf);
            expect(res.status, label).to.be.oneOf([200, 404]);
          }
        }
      }
      expect(refusals).to.be.greaterThan(5);
    });
  });
});
