// Test helpers for accounts: make a user of any role through the real use-case, and sign in
// through the real login form, getting back a supertest agent (it keeps the session cookie)
// and the session's CSRF token for state-changing requests.
//   const admin = await signInAs(app, 'admin');
//   await admin.agent.post('/admin/users').type('form').send({ _csrf: admin.csrf, ... }).expect(303);
//   await admin.agent.post('/api/v1/…').set('X-CSRF-Token', admin.csrf).send({ … });
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { Department } from '../../models/index.js';
import type { Role } from '../../models/user.js';
import { createUser, type PublicUser } from '../../server/auth/users.js';
import { createInspector } from './factories.js';

export const TEST_DEPARTMENT = 'HJ-SCJG';
export const OTHER_DEPARTMENT = 'HJ-WJ';

let sequence = 0;

export async function ensureDepartment(code = TEST_DEPARTMENT, name = `测试部门 ${code}`): Promise<void> {
  await Department.updateOne({ code }, { $setOnInsert: { code, name, level: '县', active: true } }, { upsert: true });
}

export interface TestUser {
  user: PublicUser;
  username: string;
  password: string;
}

export interface UserOptions {
  role?: Role;
  username?: string;
  displayName?: string;
  departmentCode?: string;
  password?: string;
  mustChangePassword?: boolean;
}

/** A user made by createUser (inspectors get a roster record of their own department). */
export async function createTestUser(options: UserOptions = {}): Promise<TestUser> {
  sequence += 1;
  const role = options.role ?? 'admin';
  const departmentCode = options.departmentCode ?? TEST_DEPARTMENT;
  await ensureDepartment(departmentCode);
  const username = options.username ?? `${role}-${sequence}-${randomBytes(2).toString('hex')}`;
  const password = options.password ?? `Pw-${randomBytes(9).toString('base64url')}`;
  const inspectorCode = role === 'inspector' ? (await createInspector({ departmentCode })).inspectorId : undefined;
  const user = await createUser(
    { username, displayName: options.displayName ?? `测试用户${sequence}`, role, departmentCode, inspectorCode, password },
    { actor: { kind: 'cli', label: 'test' }, mustChangePassword: options.mustChangePassword ?? false },
  );
  return { user, username, password };
}

/** The `_csrf` value of the first form in a page. */
export function csrfFromHtml(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1] as string;
}

export interface SignedIn extends TestUser {
  agent: ReturnType<typeof request.agent>;
  /** The session's CSRF token: `_csrf` form field or `X-CSRF-Token` header. */
  csrf: string;
}

/** Signs in through GET /login + POST /login; fails the test unless the login succeeds. */
export async function signIn(app: Express, credentials: TestUser): Promise<SignedIn> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFromHtml(page.text), username: credentials.username, password: credentials.password })
    .expect(303);
  // Any signed-in page carries the token in <meta name="csrf-token">; this one is open even
  // to users who must change their password first.
  const page2 = await agent.get('/account/password').expect(200);
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page2.text)?.[1];
  if (!token) throw new Error('signed in, but the page has no CSRF token');
  return { ...credentials, agent, csrf: token };
}

export async function signInAs(app: Express, role: Role, options: Omit<UserOptions, 'role'> = {}): Promise<SignedIn> {
  return signIn(app, await createTestUser({ ...options, role }));
}

/** A fresh agent with an anonymous session and its CSRF token (from the login page). */
export async function anonymous(app: Express): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  return { agent, csrf: csrfFromHtml(page.text) };
}
