// Each role lands on its own start page after signing in (defect 1 of issue 10: supervisors and
// inspectors landed on the public home page), with what it can do and empty states until the
// workflows exist.
import { expect } from 'chai';
import request from 'supertest';
import { ROLES, type Role } from '../../../models/user.js';
import { START_PAGES } from '../../../server/routes/start.js';
import { createTestUser, csrfFromHtml, signInAs } from '../../helpers/auth.js';
import { testApp } from '../../helpers/app.js';

const app = testApp();

async function signInWithoutReturnTo(role: Role) {
  const account = await createTestUser({ role });
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const res = await agent.post('/login').type('form')
    .send({ _csrf: csrfFromHtml(page.text), username: account.username, password: account.password }).expect(303);
  return { agent, location: String(res.headers.location) };
}

describe('start pages', () => {
  for (const role of ROLES) {
    it(`POST /login, for a user with role ${role} and no page to return to, redirects to ${START_PAGES[role]}, which the header links as 工作台`, async () => {
      const { agent, location } = await signInWithoutReturnTo(role);
      expect(location).to.equal(START_PAGES[role]);
      const page = await agent.get(location).expect(200);
      expect(page.text).to.include(`<a href="${START_PAGES[role]}">工作台</a>`);
      // Already signed in: the login page sends the user on to the start page too.
      await agent.get('/login').expect(303).expect('Location', START_PAGES[role]);
    });
  }

  it('GET /supervisor shows the empty plans state and read-only rosters, and no admin-only destination', async () => {
    const supervisor = await signInAs(app, 'supervisor');
    const page = await supervisor.agent.get('/supervisor').expect(200);
    expect(page.text).to.include('data-empty="plans"');
    expect(page.text).to.include('还没有抽查计划');
    expect(page.text).to.include('href="/admin/entities"');
    expect(page.text).to.not.include('href="/admin/imports"');
    expect(page.text).to.not.include('href="/admin/items"');
  });

  it('GET /inspector shows the empty assignments state', async () => {
    const inspector = await signInAs(app, 'inspector');
    const page = await inspector.agent.get('/inspector').expect(200);
    expect(page.text).to.include('data-empty="assignments"');
    expect(page.text).to.include('目前没有分派给您的检查任务');
    expect(page.text).to.not.include('href="/admin/entities"');
  });

  it('GET /admin links every back-office destination of an admin', async () => {
    const admin = await signInAs(app, 'admin');
    const page = await admin.agent.get('/admin').expect(200);
    for (const href of ['/admin/entities', '/admin/inspectors', '/admin/imports', '/admin/items', '/admin/dictionaries', '/admin/users']) {
      expect(page.text, href).to.include(`href="${href}"`);
    }
  });

  it('a start page is refused to the other roles (403)', async () => {
    const inspector = await signInAs(app, 'inspector');
    await inspector.agent.get('/supervisor').expect(403);
    await inspector.agent.get('/admin').expect(403);
  });
});
