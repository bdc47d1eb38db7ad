// Views offer only what the role may do (defect 4 of issue 10: supervisors saw 编辑 / 移出名录库 /
// 设为失效, then a 403). Buttons and links ask can(method, path), answered by the access rules.
import { expect } from 'chai';
import { signInAs } from '../../helpers/auth.js';
import { testApp } from '../../helpers/app.js';
import { createEntity, createInspector } from '../../helpers/factories.js';

const app = testApp();

describe('action buttons follow the access rules', () => {
  it('GET /admin/entities/:code, for a supervisor, shows the entity without edit or remove; an admin gets both', async () => {
    const entity = await createEntity();
    const supervisor = await signInAs(app, 'supervisor');
    const seen = await supervisor.agent.get(`/admin/entities/${entity.creditCode}`).expect(200);
    expect(seen.text).to.include(entity.creditCode);
    expect(seen.text).to.not.include(`/admin/entities/${entity.creditCode}/edit`);
    expect(seen.text).to.not.include(`/admin/entities/${entity.creditCode}/deactivate`);
    expect(seen.text).to.not.include('移出名录库');

    const admin = await signInAs(app, 'admin');
    const full = await admin.agent.get(`/admin/entities/${entity.creditCode}`).expect(200);
    expect(full.text).to.include(`href="/admin/entities/${entity.creditCode}/edit"`);
    expect(full.text).to.include(`action="/admin/entities/${entity.creditCode}/deactivate"`);
  });

  it('GET /admin/inspectors/:id, for a supervisor, shows no edit or deactivate; an admin gets both', async () => {
    const inspector = await createInspector({ departmentCode: 'HJ-SCJG' });
    const supervisor = await signInAs(app, 'supervisor');
    const seen = await supervisor.agent.get(`/admin/inspectors/${inspector.inspectorId}`).expect(200);
    expect(seen.text).to.include(inspector.inspectorId);
    expect(seen.text).to.not.include(`/admin/inspectors/${inspector.inspectorId}/edit`);
    expect(seen.text).to.not.include(`/admin/inspectors/${inspector.inspectorId}/deactivate`);
    expect(seen.text).to.not.include('设为失效');

    const admin = await signInAs(app, 'admin');
    const full = await admin.agent.get(`/admin/inspectors/${inspector.inspectorId}`).expect(200);
    expect(full.text).to.include(`href="/admin/inspectors/${inspector.inspectorId}/edit"`);
    expect(full.text).to.include(`action="/admin/inspectors/${inspector.inspectorId}/deactivate"`);
  });

  it('GET /admin/users, for a supervisor, offers no new-user button; an admin gets it', async () => {
    const supervisor = await signInAs(app, 'supervisor');
    expect((await supervisor.agent.get('/admin/users').expect(200)).text).to.not.include('href="/admin/users/new"');
    const admin = await signInAs(app, 'admin');
    expect((await admin.agent.get('/admin/users').expect(200)).text).to.include('href="/admin/users/new"');
  });
});
