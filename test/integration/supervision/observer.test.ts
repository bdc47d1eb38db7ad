// The observer role (执法监督) against the real app: an administrator creates one through the
// user form; signing in lands on /observer; it reads every department's plans, tasks and the
// audit trail, is offered no action, and every action it tries anyway is refused (403) with
// nothing changed in the database.
import { expect } from 'chai';
import request from 'supertest';
import { AuditEvent } from '../../../models/audit-event.js';
import { DrawRun } from '../../../models/draw-run.js';
import { Plan } from '../../../models/plan.js';
import { User } from '../../../models/user.js';
import { createPlan } from '../../../server/plans/plans.js';
import { testApp } from '../../helpers/app.js';
import { createTestUser, csrfFromHtml, ensureDepartment, signIn, signInAs } from '../../helpers/auth.js';
import { lockedDraw, type LockedDraw } from '../inspections/support.js';
import { supervisor } from '../plans/support.js';

describe('the observer role', () => {
  it('POST /admin/users, with role observer, creates an observer who lands on /observer after signing in', async () => {
    const app = testApp();
    await ensureDepartment('HJ-SFJ', '洪江区司法局');
    const admin = await signInAs(app, 'admin');
    const form = await admin.agent.get('/admin/users/new').expect(200);
    expect(form.text).to.include('value="observer"');
    expect(form.text).to.include('执法监督（只读）');
    const password = 'Observer-pass-2026!x';
    await admin.agent.post('/admin/users').type('form').send({
      _csrf: csrfFromHtml(form.text), username: 'jijian1', displayName: '纪检甲', role: 'observer', departmentCode: 'HJ-SFJ', password, passwordConfirm: password,
    }).expect(303);
    const stored = await User.findOne({ username: 'jijian1' }).lean();
    expect(stored?.role).to.equal('observer');
    // An administrator's password must be changed first; past that, signing in lands on /observer.
    await User.updateOne({ username: 'jijian1' }, { $set: { mustChangePassword: false } });
    const agent = request.agent(app);
    const login = await agent.get('/login').expect(200);
    const signedIn = await agent.post('/login').type('form').send({ _csrf: csrfFromHtml(login.text), username: 'jijian1', password }).expect(303);
    expect(signedIn.headers.location).to.equal('/observer');
    const observer = { agent };
    const start = await observer.agent.get('/observer').expect(200);
    expect(start.text).to.include('href="/supervision/alerts"');
    expect(start.text).to.include('href="/plans"');
    expect(start.text).to.include('href="/statistics"');
    expect(start.text).to.include('href="/audit"');
  });

  it('GET /plans and /plans/:key, as an observer of another department, reads the plan without any action on it; its actions answer 403 and change nothing', async () => {
    const app = testApp();
    await ensureDepartment('HJ-SCJG');
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕5号', name: '观察测试计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: [] }, supervisor('chen'));
    const observer = await signInAs(app, 'observer', { departmentCode: 'HJ-SFJ' });
    const list = await observer.agent.get('/plans').expect(200);
    expect(list.text).to.include('观察测试计划');
    expect(list.text).to.not.include('href="/plans/new"');
    const page = await observer.agent.get(`/plans/${plan.planKey}`).expect(200);
    expect(page.text).to.include('观察测试计划');
    expect(page.text).to.not.match(/<form method="post" action="\/plans\//);
    expect(page.text).to.not.include('href="/tasks/new');
    await observer.agent.post(`/plans/${plan.planKey}/publish`).type('form').send({ _csrf: observer.csrf }).expect(403);
    await observer.agent.post('/plans').type('form').send({ _csrf: observer.csrf, name: 'x' }).expect(403);
    expect((await Plan.findOne({ planKey: plan.planKey }).lean())?.publishedAt).to.equal(undefined);
    await observer.agent.get('/tasks').expect(200);
    await observer.agent.get('/tasks/new').expect(403);
    const audit = await observer.agent.get('/audit').expect(200);
    expect(audit.text).to.include('action="/audit/verify"'); // verifying reads, it changes nothing
    await observer.agent.get('/admin/users').expect(403);
    await observer.agent.get('/inspections').expect(403);
  });

  it('GET /plans, as a supervisor of another department, still lists only their own (observers widen nothing else)', async () => {
    const app = testApp();
    await ensureDepartment('HJ-SCJG');
    await createPlan({ year: 2026, number: '洪市监〔2026〕6号', name: '别部门的计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: [] }, supervisor('chen'));
    const other = await signIn(app, await createTestUser({ role: 'supervisor', departmentCode: 'HJ-WJ' }));
    const list = await other.agent.get('/plans').expect(200);
    expect(list.text).to.not.include('别部门的计划');
  });
});

describe('the observer role and a locked draw', () => {
  let world: LockedDraw | undefined;
  afterEach(async () => { await world?.relay.close(); world = undefined; });

  it('GET /tasks/:id and its run, as an observer, reads the task and the unpublished drawn list, audited, with no action offered', async () => {
    world = await lockedDraw();
    const taskId = String(world.inspections[0]!.taskId);
    const run = await DrawRun.findOne({ key: world.runKey }).select('_id').lean<{ _id: unknown }>();
    const observer = await signInAs(testApp({ now: world.clock.now }), 'observer', { departmentCode: 'HJ-SFJ' });
    const posts = (html: string) => [...html.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]).filter((a) => a !== '/logout');
    const task = await observer.agent.get(`/tasks/${taskId}`).expect(200);
    expect(posts(task.text)).to.deep.equal([]);
    const before = await AuditEvent.countDocuments({ action: 'draw.list_view', 'actor.label': observer.username });
    const page = await observer.agent.get(`/tasks/${taskId}/runs/${String(run!._id)}`).expect(200);
    expect(posts(page.text)).to.deep.equal([]);
    expect(page.text).to.include(world.inspections[0]!.creditCode); // the drawn list itself
    expect(await AuditEvent.countDocuments({ action: 'draw.list_view', 'actor.label': observer.username })).to.equal(before + 1);
    await observer.agent.post(`/tasks/${taskId}/runs/${String(run!._id)}/lock`).type('form').send({ _csrf: observer.csrf }).expect(403);
  });
});
