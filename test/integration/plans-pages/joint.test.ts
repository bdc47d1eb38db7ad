// A joint task's pages (部门联合抽查): the participating department reads the task but is offered
// none of the initiator's actions; after the entity draw it announces its own inspector draw
// from the result page, and the task and public pages show that announcement under its name.
import { expect } from 'chai';
import request from 'supertest';
import { Announcement, DrawRun, Inspector } from '../../../models/index.js';
import { inspectorFields } from '../../helpers/factories.js';
import { fakeRelay, seedWorld, type FakeRelay } from '../plans/support.js';
import { location, pagesApp, PLAN_FIELDS, post, supervisorOf, taskFields } from './support.js';

describe('joint task pages', () => {
  let relay: FakeRelay;
  beforeEach(async () => { relay = await fakeRelay(); await seedWorld({ entities: 20, inspectors: 6 }); });
  afterEach(async () => { await relay.close(); });

  it('the participating department reads the task without the initiator\'s buttons, then announces its own team draw after the entity draw', async () => {
    await Inspector.insertMany(Array.from({ length: 6 }, () => inspectorFields({ departmentCode: 'HJ-WJ' })));
    const { app, clock } = pagesApp([relay.url]);
    const chen = await supervisorOf(app);
    const wei = await supervisorOf(app, 'HJ-WJ');
    const planPath = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
    await post(chen, `${planPath}/publish`, {}).expect(303);
    const task = location(await post(chen, '/tasks', taskFields(planPath.split('/').pop()!, { lotteryGame: '', participatingDepartments: 'HJ-WJ', joint: 'on' })).expect(303));

    const seen = (await wei.agent.get(task).expect(200)).text;
    expect(seen).not.to.contain('data-action="announce"');
    await post(wei, `${task}/announce`, {}).expect(403);
    await post(chen, `${task}/announce`, {}).expect(303);
    clock.set('2026-07-23T07:39:02Z');
    const a = (await Announcement.findOne().lean())!;
    await post(chen, `${task}/draw`, { announcementId: a._id.toString() }).expect(303);
    const run = (await DrawRun.findOne().lean())!;
    const runPath = `${task}/runs/${run._id.toString()}`;
    expect((await wei.agent.get(runPath).expect(200)).text).to.contain('data-action="teams"');
    await post(wei, `${runPath}/teams`, {}).expect(303);
    expect((await wei.agent.get(runPath).expect(200)).text).not.to.contain('data-action="teams"');
    const teams = (await Announcement.findOne({ phase: 'teams' }).lean())!;
    expect(teams.teamDepartment).to.equal('HJ-WJ');
    expect((await wei.agent.get(task).expect(200)).text).to.contain('执法检查人员抽取公告');
    expect((await request(app).get(`/announcements/${task.split('/').pop()}`).expect(200)).text).to.contain(teams.digest);
  });
});
