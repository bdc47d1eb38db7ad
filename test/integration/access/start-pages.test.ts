// Each role lands on its own start page after signing in (defect 1 of issue 10: supervisors and
// inspectors landed on the public home page), with what it can do and empty states until the
// workflows exist.
import { expect } from 'chai';
import request from 'supertest';
import { ROLES, type Role } from '../../../models/user.js';
import { START_PAGES } from '../../../server/routes/start.js';
import { Inspection } from '../../../models/inspection.js';
import { createTestUser, csrfFromHtml, signIn, signInAs } from '../../helpers/auth.js';
import { testApp } from '../../helpers/app.js';
import { createInspector } from '../../helpers/factories.js';
import { inspectorUser, pageOf, pagesWorld, type PagesWorld } from '../inspections/support.js';

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

  describe('GET /inspector, for an inspector on a drawn team', () => {
    let w: PagesWorld;
    beforeEach(async () => { w = await pagesWorld(); });
    afterEach(async () => { await w.relay.close(); });

    it('counts their inspections by state and lists the next due with links, in both languages; the empty state is gone', async () => {
      const me = w.first.team[0]!;
      const mine = await Inspection.find({ team: me }).sort({ dueOn: 1, _id: 1 }).lean();
      expect(mine.length, 'the draw put the inspector on a team').to.be.greaterThan(0);
      // One inspection taken forward (approved) so the counts are by state, not one total.
      await Inspection.updateOne({ _id: w.first._id }, { $set: { state: 'approved' } });
      const page = await w.a.agent.get('/inspector?lang=zh-CN').expect(200);
      expect(page.text).to.not.include('data-empty="assignments"').and.not.include('目前没有分派给您的检查任务');
      const assigned = mine.filter((i) => String(i._id) !== String(w.first._id)).length;
      expect(page.text).to.match(new RegExp(`data-state-count="approved" data-count="1">\\s*<a href="/inspections\\?state=approved">`));
      if (assigned > 0) expect(page.text).to.include(`data-state-count="assigned" data-count="${assigned}"`).and.include('待审批');
      else expect(page.text).to.not.include('data-state-count="assigned"');
      expect(page.text).to.include('已审批待检查').and.include('接下来要办的检查').and.include('href="/inspections"');
      for (const i of mine.slice(0, 5)) {
        expect(page.text, String(i._id)).to.include(`href="${pageOf(String(i._id))}"`).and.include(`截止 ${i.dueOn}`);
      }
      // Another team's inspection is not theirs.
      const others = w.inspections.filter((i) => !i.team.includes(me));
      for (const i of others) expect(page.text, String(i._id)).to.not.include(`href="${pageOf(String(i._id))}"`);
      const en = await w.a.agent.get('/inspector?lang=en').expect(200);
      expect(en.text).to.include('Next to do').and.include(`due ${w.first.dueOn}`).and.not.match(/>[^<]*\bstart\.[a-z]/);
    });

    it('keeps the empty state for an inspector on no team, and when everything is published the counts are gone too', async () => {
      const outsider = await createInspector({ name: '未入组' });
      const other = await signIn(w.app, await inspectorUser(outsider.inspectorId));
      const page = await other.agent.get('/inspector').expect(200);
      expect(page.text).to.include('data-empty="assignments"').and.not.include('data-state-count');
      await Inspection.updateMany({ team: w.first.team[0]! }, { $set: { state: 'published' } });
      const done = await w.a.agent.get('/inspector').expect(200);
      expect(done.text).to.include('data-empty="assignments"').and.not.include('data-state-count');
    });
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
