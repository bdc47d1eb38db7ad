// Every claim of the plan/task/draw domain rests on a unique index: each is proven to hold.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { Announcement, AnnouncementChunk, AnnouncementSecret, DrawRun, DrawnEntity, Plan, RedoRequest, SourceValue, Task } from '../../../models/index.js';

const duplicate = (e: unknown) => (e as { code?: number }).code;

describe('unique indexes of plans, tasks and draws', () => {
  it('a second plan version, task number, announcement, chunk, secret, source value, draw run, drawn row or redo under the same key is refused (11000)', async () => {
    const oid = () => new Types.ObjectId();
    const d64 = 'a'.repeat(64);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['Plan', () => Plan.create({ planKey: 'p1', version: 1, year: 2026, number: 'n', name: 'n', leadDepartment: 'D', inspectionType: '日常', publicationDeadline: new Date(), createdBy: { label: 'x' } })],
      ['Task', () => Task.create({ number: 'T1', name: 'n', planKey: 'p1', departmentCode: 'D', targeting: '不定向', inspectionType: '日常', inspectionDate: '2026-07-24' })],
      ['Announcement', () => Announcement.create({ key: 'k1', taskId: oid(), slot: new Date(), attempt: 1, drawAt: new Date(), digest: d64, text: 'x', poolChunks: 0, rosterChunks: 0, announcedAt: new Date() })],
      ['AnnouncementChunk', () => AnnouncementChunk.create({ digest: d64, kind: 'pool', seq: 0, items: [] })],
      ['AnnouncementSecret', () => AnnouncementSecret.create({ digest: d64, commitment: d64, reveal: 'b'.repeat(64) })],
      ['SourceValue', () => SourceValue.create({ key: 'k1', announcementId: oid(), value: { type: 'drand' }, at: new Date() })],
      ['DrawRun', () => DrawRun.create({ key: 'k1', taskId: oid(), announcementId: oid(), announcementDigest: d64, slot: new Date(), attempt: 1, state: 'drawing', randomness: '{}', claimedAt: new Date() })],
      ['DrawnEntity', () => DrawnEntity.create({ _id: 'k1|X', runKey: 'k1', taskId: oid(), departmentCode: 'D', inspectionType: '日常', year: 2026, drawnOn: '2026-07-24', creditCode: 'X', stratumId: 's', role: 'selected', order: 0 })],
      ['RedoRequest', () => RedoRequest.create({ key: 'k1', taskId: oid(), slot: new Date(), attempt: 2, reason: 'r', requestedAt: new Date() })],
    ];
    for (const [name, create] of cases) {
      await create();
      expect(await create().then(() => 'stored twice', duplicate), name).to.equal(11000);
    }
  });
});
