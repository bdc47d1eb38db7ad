// Every roster, catalogue and user use case writes its own audit record, whoever calls it: the
// routes, the CLI or a job. Each use case is called here directly (no HTTP) with a CLI actor,
// and its record is looked up by action and target. So do an inspection's attachments and the
// roster import runner (one entry per import, even one resumed after a crash).
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { Attachment, AuditEvent, DictionaryEntry, ImportRun, Inspection, MarketEntity, type InspectionRecord } from '../../models/index.js';
import { ConflictError, ForbiddenError } from '../../server/errors.js';
import { startImport, type ImportRequest } from '../../server/import/index.js';
import { addInspectionAttachment, removeInspectionAttachment } from '../../server/inspections/attachments.js';
import type { ChangeContext } from '../../server/audit/changes.js';
import { loadDefaults } from '../../server/demo/load-world.js';
import { setEntityActive, updateEntity, entityEditSchema, entityEditValues, getEntity } from '../../server/rosters/entity-admin.js';
import { getInspector, inspectorEditSchema, inspectorEditValues, setInspectorStatus, updateInspector } from '../../server/rosters/inspector-admin.js';
import { addEntry, getItem, itemEditSchema, itemEditValues, setItemActive, updateEntry, updateItem } from '../../server/rosters/catalog-admin.js';
import { changeOwnPassword, createUser, resetPassword, setActive, updateAssignment } from '../../server/auth/users.js';
import { createEntity, createInspector, uniqueCreditCode } from '../helpers/factories.js';
import { createTestUser, ensureDepartment, OTHER_DEPARTMENT, TEST_DEPARTMENT } from '../helpers/auth.js';
import { jpegFile } from '../helpers/sample-attachments.js';
import { ENTITY_HEADER, writeCsvFile } from '../helpers/sample-files.js';
import { entityRows, temporaryDir } from './import/support.js';
import { inspectorActing } from './inspections/support.js';
import { insertInspection } from './statistics/fixtures.js';

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

  describe('an inspection\'s attachments (server/inspections/attachments.ts)', () => {
    async function checkedIn(state = 'checked_in'): Promise<InspectionRecord> {
      const id = await insertInspection({ creditCode: uniqueCreditCode(), state, team: ['T1', 'T2'] });
      return (await Inspection.findById(id).lean<InspectionRecord>())!;
    }
    const photo = () => ({ fileName: '现场照片.jpg', stream: Readable.from([jpegFile(2048)]) });

    it('addInspectionAttachment and removeInspectionAttachment, called directly, record inspection.attachment_add / _remove with the team member', async () => {
      const inspection = await checkedIn();
      const member = inspectorActing('T1');
      const stored = await addInspectionAttachment(inspection, photo(), member);
      const added = await auditOf('inspection.attachment_add', String(inspection._id));
      expect(added.actor.label).to.equal('user-T1');
      expect(added.after).to.deep.include({ file: stored.id, fileName: '现场照片.jpg', size: stored.size, sha256: stored.sha256 });
      expect(added.target.label).to.equal(`${inspection.taskNumber} ${inspection.creditCode}`);

      await removeInspectionAttachment(inspection, stored.id, member);
      expect((await auditOf('inspection.attachment_remove', String(inspection._id))).after).to.deep.include({ file: stored.id, sha256: stored.sha256 });
      expect(await AuditEvent.countDocuments({ 'target.id': String(inspection._id) })).to.equal(2);
    });

    it('refuses someone not on the team, and a submitted inspection, storing and auditing nothing', async () => {
      const inspection = await checkedIn();
      let error: unknown = await addInspectionAttachment(inspection, photo(), inspectorActing('T9')).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ForbiddenError);
      const submitted = await checkedIn('submitted');
      error = await addInspectionAttachment(submitted, photo(), inspectorActing('T1')).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConflictError);
      expect(await Attachment.countDocuments({})).to.equal(0);
      expect(await AuditEvent.countDocuments({ action: /^inspection\.attachment/ })).to.equal(0);
    });
  });

  describe('a roster import (server/import/start.ts)', () => {
    let dir: Awaited<ReturnType<typeof temporaryDir>>;
    before(async () => (dir = await temporaryDir()));
    after(async () => dir.remove());

    const importOf = async (path: string, extra: Partial<ImportRequest> = {}) =>
      (await startImport({ kind: 'entities', source: { path }, dataDir: dir.path, user: { username: 'importer', via: 'cli' }, ...extra })).done;
    const importEntries = () => AuditEvent.find({ action: /^import\./ }).lean();

    it('a completed run records import.completed once: who, kind, file name and counts', async () => {
      const file = join(dir.path, 'completed.csv');
      await writeCsvFile(file, ENTITY_HEADER, entityRows(5, 'audit-completed'));
      const summary = await importOf(file);
      expect(summary.status).to.equal('completed');
      const entry = await auditOf('import.completed', summary.runId);
      expect(entry.actor).to.deep.equal({ kind: 'cli', label: 'importer' });
      expect(entry.after).to.deep.include({ run: summary.runId, kind: 'entities', fileName: 'completed.csv', dryRun: false, via: 'cli' });
      expect(entry.after.counts).to.deep.include({ read: 5, inserted: 5 });
      expect(await importEntries()).to.have.length(1);
    });

    it('a file refused for a missing column records import.failed with the failure', async () => {
      const file = join(dir.path, 'no-name.csv');
      await writeFile(file, `${ENTITY_HEADER.filter((h) => h !== '企业名称').join(',')}\n`);
      const error = await importOf(file).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      const run = await ImportRun.findOne({ fileName: 'no-name.csv' }).lean();
      const entry = await auditOf('import.failed', String(run!._id));
      expect(entry.after).to.deep.include({ kind: 'entities', fileName: 'no-name.csv', failure: run!.failure!.code });
    });

    it('an import interrupted part-way and resumed records one import.completed, for the whole import', async () => {
      const file = join(dir.path, 'interrupted.csv');
      await writeCsvFile(file, ENTITY_HEADER, entityRows(12, 'audit-interrupted'));
      const stop = new AbortController();
      const first = await importOf(file, { batchSize: 3, signal: stop.signal, onProgress: () => stop.abort() });
      expect(first.status).to.equal('interrupted');
      expect(await importEntries()).to.have.length(0);
      const second = await importOf(file, { batchSize: 3 });
      expect(second.status).to.equal('completed');
      expect(second.resumedFromRow).to.be.greaterThan(1);
      const entries = await importEntries();
      expect(entries.map((e) => [e.action, e.target.id])).to.deep.equal([['import.completed', first.runId]]);
      expect(entries[0]!.after!.run).to.equal(second.runId);
      expect(await MarketEntity.countDocuments({})).to.equal(12);
    });

    it('a run that crashed after its entry was written, before it was marked finished, is resumed without a second entry', async () => {
      const file = join(dir.path, 'crashed.csv');
      await writeCsvFile(file, ENTITY_HEADER, entityRows(6, 'audit-crashed'));
      const first = await importOf(file);
      // What a crash between the audit entry and the run's final write leaves: a run still
      // "running" whose heartbeat stopped (its process is gone).
      await ImportRun.updateOne({ _id: first.runId }, { $set: { status: 'running', heartbeatAt: new Date(Date.now() - 3_600_000), host: `gone-${hostname()}` }, $unset: { finishedAt: 1 } });
      const second = await importOf(file);
      expect(second.status).to.equal('completed');
      expect(second.resumedFromRow).to.be.greaterThan(1);
      expect((await ImportRun.find({}).sort({ startedAt: 1 }).lean()).map((r) => r.status)).to.deep.equal(['interrupted', 'completed']);
      const entries = await importEntries();
      expect(entries.map((e) => [e.action, e.target.id])).to.deep.equal([['import.completed', first.runId]]);
    });

    it('a run whose entry cannot be written ends interrupted, not completed; importing the file again records the one entry', async () => {
      const file = join(dir.path, 'unaudited.csv');
      await writeCsvFile(file, ENTITY_HEADER, entityRows(4, 'audit-unaudited'));
      // A chain whose last entry was edited by hand refuses every append (server/audit/chain.ts).
      const damaged = await AuditEvent.collection.insertOne({ seq: 1e9 + 0.5, hash: 'x', action: 'damaged', at: new Date() });
      const first = await importOf(file);
      expect(first.status).to.equal('interrupted');
      expect(first.failure?.code).to.equal('internal_error');
      expect((await ImportRun.findById(first.runId).lean())?.status).to.equal('interrupted');
      await AuditEvent.collection.deleteOne({ _id: damaged.insertedId });
      const second = await importOf(file);
      expect(second.status).to.equal('completed');
      const entries = await importEntries();
      expect(entries.map((e) => [e.action, e.target.id, e.after?.run])).to.deep.equal([['import.completed', first.runId, second.runId]]);
      expect(await MarketEntity.countDocuments({})).to.equal(4);
    });
  });
});
