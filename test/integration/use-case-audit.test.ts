// Every roster, catalogue and user use case writes its own audit record, whoever calls it: the
// routes, the CLI or a job. Each use case is called here directly (no HTTP) with a CLI actor,
// and its record is looked up by action and target.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEvent, DictionaryEntry } from '../../models/index.js';
import type { ChangeContext } from '../../server/audit/changes.js';
import { loadDefaults } from '../../server/demo/load-world.js';
import { setEntityActive, updateEntity, entityEditSchema, entityEditValues, getEntity } from '../../server/rosters/entity-admin.js';
import { getInspector, inspectorEditSchema, inspectorEditValues, setInspectorStatus, updateInspector } from '../../server/rosters/inspector-admin.js';
import { addEntry, getItem, itemEditSchema, itemEditValues, setItemActive, updateEntry, updateItem } from '../../server/rosters/catalog-admin.js';
import { changeOwnPassword, createUser, resetPassword, setActive, updateAssignment } from '../../server/auth/users.js';
import { createEntity, createInspector } from '../helpers/factories.js';
import { createTestUser, ensureDepartment, OTHER_DEPARTMENT, TEST_DEPARTMENT } from '../helpers/auth.js';

const cli: ChangeContext = { actor: { kind: 'cli', label: 'use-case-test' }, requestId: 'req-use-case' };

async function auditOf(action: string, targetId: string) {
  const events = await AuditEvent.find({ action, 'target.id': targetId }).lean();
  expect(events, `${action} on ${targetId}`).to.have.length(1);
  const event = events[0]!;
  return event;
}

describe('use cases audit their own changes, without HTTP', () => {
  beforeEach(async () => {
    await loadDefaults();
    await ensureDepartment(TEST_DEPARTMENT);
    await ensureDepartment(OTHER_DEPARTMENT);
  });

  it('updateEntity and setEntityActive, when called directly, record entity.update / entity.deactivate / entity.activate with the actor', async () => {
    const entity = await createEntity();
    const edit = entityEditSchema('2026-01-01').parse({ ...entityEditValues(entity.toObject()), name: '改名后的商贸有限公司' });
    await updateEntity(entity.creditCode, edit, cli);
    const update = await auditOf('entity.update', entity.creditCode);
    expect(update.actor.label).to.equal('use-case-test');
    expect(update.requestId).to.equal('req-use-case');
    expect(update.before).to.deep.equal({ name: entity.name });
    expect(update.after).to.deep.equal({ name: '改名后的商贸有限公司' });
    expect((await getEntity(entity.creditCode)).name).to.equal('改名后的商贸有限公司');

    await setEntityActive(entity.creditCode, false, cli);
    expect((await auditOf('entity.deactivate', entity.creditCode)).after).to.deep.equal({ active: false });
    await setEntityActive(entity.creditCode, true, cli);
    expect((await auditOf('entity.activate', entity.creditCode)).after).to.deep.equal({ active: true });
  });

  it('an edit that changes nothing writes no audit record', async () => {
    const entity = await createEntity();
    await updateEntity(entity.creditCode, entityEditSchema('2026-01-01').parse(entityEditValues(entity.toObject())), cli);
    expect(await AuditEvent.countDocuments({ 'target.id': entity.creditCode })).to.equal(0);
  });

  it('updateInspector and setInspectorStatus record inspector.update / inspector.deactivate / inspector.activate', async () => {
    const inspector = await createInspector();
    const edit = inspectorEditSchema.parse({ ...inspectorEditValues(inspector.toObject()), post: '科长' });
    await updateInspector(inspector.inspectorId, edit, cli);
    expect((await auditOf('inspector.update', inspector.inspectorId)).after).to.deep.equal({ post: '科长' });
    expect((await getInspector(inspector.inspectorId)).post).to.equal('科长');
    await setInspectorStatus(inspector.inspectorId, '失效', cli);
    expect((await auditOf('inspector.deactivate', inspector.inspectorId)).after).to.deep.equal({ status: '失效' });
    await setInspectorStatus(inspector.inspectorId, '有效', cli);
    expect((await auditOf('inspector.activate', inspector.inspectorId)).after).to.deep.equal({ status: '有效' });
  });

  it('updateItem and setItemActive record item.update / item.deactivate / item.activate', async () => {
    const item = await getItem('A01');
    await updateItem('A01', itemEditSchema.parse({ ...itemEditValues(item), frequencyText: '每年一次' }), cli);
    expect((await auditOf('item.update', 'A01')).after).to.deep.equal({ frequencyText: '每年一次' });
    await setItemActive('A01', false, cli);
    expect((await auditOf('item.deactivate', 'A01')).after).to.deep.equal({ active: false });
    await setItemActive('A01', true, cli);
    expect((await auditOf('item.activate', 'A01')).after).to.deep.equal({ active: true });
  });

  it('addEntry and updateEntry record dictionary.add / dictionary.update', async () => {
    await addEntry('result_category', { code: 'R77', label: '其他情形' }, cli);
    const added = await auditOf('dictionary.add', 'R77');
    expect(added.target.type).to.equal('result_category');
    expect(added.after).to.deep.equal({ label: '其他情形' });
    await updateEntry('result_category', 'R77', { label: '其他情形（补充）', active: false }, cli);
    expect((await auditOf('dictionary.update', 'R77')).after).to.deep.equal({ label: '其他情形（补充）', active: false });
    expect((await DictionaryEntry.findOne({ dictionary: 'result_category', code: 'R77' }).lean())?.active).to.equal(false);
  });

  it('the user use cases record user.create / user.update / user.disable / user.enable / user.password_reset / account.password_change', async () => {
    const created = await createUser(
      { username: 'audit-case', displayName: '审计用例', role: 'supervisor', departmentCode: TEST_DEPARTMENT, password: 'Long-enough-pass-1' },
      cli,
    );
    expect((await auditOf('user.create', created.id)).actor.label).to.equal('use-case-test');
    await updateAssignment(created.id, { role: 'supervisor', departmentCode: OTHER_DEPARTMENT }, cli);
    expect((await auditOf('user.update', created.id)).after).to.deep.equal({ departmentCode: OTHER_DEPARTMENT });
    await setActive(created.id, false, cli);
    await auditOf('user.disable', created.id);
    await setActive(created.id, true, cli);
    await auditOf('user.enable', created.id);
    await resetPassword(created.id, { password: 'Another-long-pass-2' }, cli);
    await auditOf('user.password_reset', created.id);
    await changeOwnPassword(created.id, { currentPassword: 'Another-long-pass-2', password: 'Third-long-pass-3', passwordConfirm: 'Third-long-pass-3' }, {});
    const own = await auditOf('account.password_change', created.id);
    expect(own.actor.kind).to.equal('user');
    expect(String(own.actor.userId)).to.equal(created.id);
  });

  it('a user change made by a signed-in admin names that admin', async () => {
    const admin = await createTestUser({ role: 'admin' });
    const other = await createTestUser({ role: 'supervisor' });
    await setActive(other.user.id, false, { actor: { kind: 'user', userId: new Types.ObjectId(admin.user.id), label: admin.username } });
    expect((await auditOf('user.disable', other.user.id)).actor.label).to.equal(admin.username);
  });
});
