// The access table semantics: matching, the all-rules-must-allow decision, conflicts, scope, navigation.
import { expect } from 'chai';
import { allows, compileTable, conflictingRules, decide, joinPath, matchingRules } from '../../../server/access/policy.js';
import { assertInScope, departmentScope, inScope } from '../../../server/access/scope.js';
import { navLinksFor } from '../../../server/access/nav.js';
import type { AccessTable } from '../../../server/access/rules.js';
import { ACCESS_TABLE } from '../../../server/features.js';
import type { CurrentUser } from '../../../server/auth/session.js';
import { NotFoundError } from '../../../server/errors.js';

const user = (role: CurrentUser['role'], departmentCode = 'HJ-SCJG'): CurrentUser => ({
  id: '0'.repeat(24), username: role, displayName: role, role, departmentCode, mustChangePassword: false,
});

const table: AccessTable = {
  '/': { 'GET /': 'public', 'GET /api/v1/me': 'authenticated' },
  '/admin/users': { 'GET /': ['admin', 'supervisor'], 'GET /new': ['admin'], 'GET /:id': ['admin', 'supervisor'], 'POST /:id/disable': ['admin'] },
  '/files': { 'GET /*path': ['admin'] },
};
const rules = compileTable(table);

describe('the access policy', () => {
  it('joins mount and route paths like Express', () => {
    expect(joinPath('/', '/')).to.equal('/');
    expect(joinPath('/admin/users', '/')).to.equal('/admin/users');
    expect(joinPath('/admin/users/', '/:id')).to.equal('/admin/users/:id');
    expect(joinPath('', '/healthz')).to.equal('/healthz');
  });

  it('matches case-insensitively, ignoring trailing and repeated slashes; HEAD uses the GET rule', () => {
    expect(matchingRules(rules, 'GET', '/ADMIN/Users/').map((r) => r.path)).to.deep.equal(['/admin/users']);
    expect(matchingRules(rules, 'HEAD', '/admin//users/abc').map((r) => r.path)).to.deep.equal(['/admin/users/:id']);
    expect(matchingRules(rules, 'GET', '/files/a/b/c').map((r) => r.path)).to.deep.equal(['/files/*path']);
    expect(matchingRules(rules, 'GET', '/files')).to.deep.equal([]);
    expect(matchingRules(rules, 'DELETE', '/admin/users/abc')).to.deep.equal([]);
  });

  it('requires every matching rule to allow: /admin/users/new is admin-only although /:id admits supervisors', () => {
    expect(decide(rules, 'GET', '/admin/users/new', user('supervisor'))).to.equal('forbidden');
    expect(decide(rules, 'GET', '/admin/users/new', user('admin'))).to.equal('allow');
    expect(decide(rules, 'GET', '/admin/users/abc', user('supervisor'))).to.equal('allow');
  });

  it('tells anonymous from forbidden, and reports paths no rule covers', () => {
    expect(decide(rules, 'GET', '/api/v1/me', undefined)).to.equal('unauthenticated');
    expect(decide(rules, 'GET', '/api/v1/me', user('inspector'))).to.equal('allow');
    expect(decide(rules, 'POST', '/admin/users/x/disable', user('inspector'))).to.equal('forbidden');
    expect(decide(rules, 'GET', '/', undefined)).to.equal('allow');
    expect(decide(rules, 'GET', '/nowhere', user('admin'))).to.equal('no_rule');
  });

  it('allows() follows the three kinds of access', () => {
    expect(allows('public', undefined)).to.equal(true);
    expect(allows('authenticated', undefined)).to.equal(false);
    expect(allows('authenticated', user('inspector'))).to.equal(true);
    expect(allows(['admin'], user('supervisor'))).to.equal(false);
  });

  it('refuses to compile keys that are not "METHOD /path" or use unsupported syntax', () => {
    expect(() => compileTable({ '/': { 'GET admin': 'public' } })).to.throw(/expected "METHOD \/path"/);
    expect(() => compileTable({ '/': { 'ALL /x': 'public' } })).to.throw(/expected/);
    expect(() => compileTable({ '/': { 'GET /x{/:y}': 'public' } })).to.throw(/unsupported path syntax/);
  });

  it('reports overlapping rules that would close a route to those its own rule admits', () => {
    const overlapping = compileTable({
      '/api/v1/inspectors': { 'GET /lookup': 'public', 'GET /:id': ['admin'], 'POST /:id': 'public' },
      '/admin/users': { 'GET /new': ['admin'], 'GET /:id': ['admin'] },
    });
    expect(conflictingRules(overlapping)).to.deep.equal(['GET /api/v1/inspectors/lookup ⟷ /api/v1/inspectors/:id']);
    expect(conflictingRules(rules)).to.deep.equal([]);
    const loose = compileTable({ '/x': { 'GET /:a/b': ['admin'], 'GET /a/:b': 'public' } });
    expect(conflictingRules(loose)).to.deep.equal(['GET /x/:a/b ⟷ /x/a/:b']);
  });

  it('lets only public routes skip the CSRF check', () => {
    const [exempt] = compileTable({ '/api/v1': { 'POST /draws/verify': { access: 'public', csrf: false } } });
    expect(exempt).to.include({ access: 'public', csrf: false, path: '/api/v1/draws/verify' });
    expect(rules.every((rule) => rule.csrf)).to.equal(true);
    expect(() => compileTable({ '/': { 'POST /x': { access: ['admin'], csrf: false } as never } })).to.throw(/only public routes may skip CSRF/);
  });

  it('the real table compiles', () => {
    expect(compileTable(ACCESS_TABLE).length).to.be.greaterThan(10);
  });
});

describe('department scope', () => {
  it('admins act on every department, everyone else on their own only', () => {
    expect(departmentScope(user('admin'))).to.equal(undefined);
    expect(departmentScope(user('supervisor', 'HJ-WJ'))).to.equal('HJ-WJ');
    expect(inScope(user('admin'), 'HJ-WJ')).to.equal(true);
    expect(inScope(user('supervisor', 'HJ-SCJG'), 'HJ-WJ')).to.equal(false);
    expect(() => assertInScope(user('supervisor', 'HJ-SCJG'), 'HJ-WJ')).to.throw(NotFoundError);
    expect(() => assertInScope(user('inspector', 'HJ-WJ'), 'HJ-WJ')).to.not.throw();
  });
});

describe('navigation by role', () => {
  it('shows a destination only to those the access table admits', () => {
    const compiled = compileTable(ACCESS_TABLE);
    expect(navLinksFor(compiled, user('admin')).map((l) => l.href)).to.include('/admin/users');
    expect(navLinksFor(compiled, user('supervisor')).map((l) => l.href)).to.include('/admin/users');
    expect(navLinksFor(compiled, user('inspector')).map((l) => l.href)).to.not.include('/admin/users');
    expect(navLinksFor(compiled, undefined).map((l) => l.href)).to.not.include('/admin/users');
  });
});
