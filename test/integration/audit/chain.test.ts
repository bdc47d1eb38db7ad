// The audit hash chain against the real database: concurrent appends make a gapless chain, a
// once-only entry is written once, events from before the chain join it exactly once (even
// when a run is interrupted, or two run at once beside live appends), and every way of tampering
// with stored entries directly in the collection is detected and the entry named.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import mongoose, { Types } from 'mongoose';
import { AuditEvent, type AuditInput } from '../../../models/audit-event.js';
import { chainHead, chainLegacyEvents, GENESIS_HASH, onceId, recordAudit, recordAuditOnce } from '../../../server/audit/chain.js';
import { entryHash } from '../../../server/audit/canonical.js';
import { describeBroken, entryName, verifyChain } from '../../../server/audit/verify-chain.js';
import { translator } from '../../../server/i18n/index.js';
import { PROJECT_ROOT } from '../../../server/paths.js';
import { testDatabase } from '../../helpers/test-db.js';

const raw = () => AuditEvent.collection;
const t = translator('en');

function input(n: number, extra: Partial<AuditInput> = {}): AuditInput {
  return { actor: { kind: 'cli', label: 'chain-test' }, action: 'user.update', target: { type: 'user', id: `u${n}`, label: `用户${n}` }, before: { n }, after: { n: n + 1, when: new Date(1_700_000_000_000 + n) }, requestId: `req-${n}`, ...extra };
}

async function appendSome(count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await recordAudit(input(n));
}

async function entry(seq: number) {
  const found = await raw().findOne({ seq });
  if (!found) throw new Error(`no entry ${seq}`);
  return found;
}

/** Events as the code before the chain wrote them: AuditEvent.create, no seq, no hash. */
async function legacyEvents(count: number): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  for (let n = 1; n <= count; n += 1) {
    const created = await AuditEvent.create({ ...input(n, { action: 'legacy.event' }), at: new Date(Date.UTC(2025, 0, 1, 0, 0, count - n)) });
    ids.push(created._id);
  }
  return ids;
}

/** Starts `count` writer processes (test/helpers/audit-writer.ts), lets them go at once, and returns what each chained. */
async function writers(count: number, appends: number): Promise<number[]> {
  const children = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'audit-writer.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MONGODB_URI: testDatabase().uri, APPEND_COUNT: String(appends), WRITER: `w${i}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    }));
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); if (stdout.includes('ready')) resolve(); }));
    const exit = new Promise<string>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`writer exited ${code}: ${stderr}`)))));
    return { ready, exit };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.write('go\n');
  const results = await Promise.all(outputs.map((o) => o.exit));
  return results.map((out) => (JSON.parse(out.slice(out.indexOf('{'))) as { chained: number }).chained);
}

async function seqs(): Promise<number[]> {
  return (await raw().find({}, { projection: { seq: 1 }, sort: { seq: 1 } }).toArray()).map((e) => e.seq as number);
}

describe('the audit hash chain', () => {
  describe('appending', () => {
    it('numbers entries 1, 2, 3 … each linked to the one before, and verifies intact', async () => {
      await appendSome(3);
      const [first, second, third] = [await entry(1), await entry(2), await entry(3)];
      expect(first.prevHash).to.equal(GENESIS_HASH);
      expect(second.prevHash).to.equal(first.hash);
      expect(third.prevHash).to.equal(second.hash);
      expect(third.hash).to.equal(entryHash(third));
      expect(await chainHead()).to.include({ seq: 3, hash: third.hash, id: String(third._id) });
      const report = await verifyChain();
      expect(report).to.include({ intact: true, checked: 3 });
    });

    it('with 40 appends from concurrent promises, yields a gapless chain of 40 that verifies intact', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => recordAudit(input(i))));
      expect(await seqs()).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
      const report = await verifyChain({ batchSize: 7 }); // several pages
      expect(report, JSON.stringify(report.broken)).to.include({ intact: true, checked: 40 });
    });

    it('recordAuditOnce, called concurrently with one key beside other appends, writes that entry once', async () => {
      await Promise.all([
        ...Array.from({ length: 6 }, () => recordAuditOnce('run-1#complete', input(99, { action: 'draw.complete' }))),
        ...Array.from({ length: 6 }, (_, i) => recordAudit(input(i))),
      ]);
      expect(await AuditEvent.countDocuments({ action: 'draw.complete' })).to.equal(1);
      expect((await raw().findOne({ action: 'draw.complete' }))?._id.toString()).to.equal(onceId('run-1#complete').toString());
      expect(await seqs()).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      expect((await verifyChain()).intact).to.equal(true);
    });

    it('refuses an invalid entry as before (schema validation), appending nothing', async () => {
      const error = await recordAudit({ ...input(1), action: '' }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(mongoose.Error.ValidationError);
      expect(await AuditEvent.countDocuments()).to.equal(0);
    });

    it('the unique index on seq refuses a second entry with a taken number', async () => {
      await appendSome(1);
      const copy = { ...(await entry(1)), _id: new Types.ObjectId() };
      const error = await raw().insertOne(copy).catch((e: unknown) => e);
      expect((error as { code?: number }).code).to.equal(11000);
    });
  });

  describe('tampering in the database', () => {
    beforeEach(async () => {
      await appendSome(6);
    });

    it('a changed field of an entry (updateOne on the raw collection) is found and the entry named', async () => {
      const target = await entry(4);
      await raw().updateOne({ _id: target._id }, { $set: { 'after.n': 500 } });
      const report = await verifyChain();
      expect(report.intact).to.equal(false);
      expect(report.broken).to.include({ problem: 'changed', seq: 4, id: String(target._id), action: 'user.update' });
      expect(report.checked).to.equal(3);
      expect(entryName(report.broken!, t)).to.equal(`seq 4 (_id ${String(target._id)}, user.update, ${(target.at as Date).toISOString()})`);
      expect(describeBroken(report.broken!, t)).to.include('Entry 4 was changed');
    });

    it('a field added to an entry, or its time moved by a millisecond, is found', async () => {
      await raw().updateOne({ seq: 2 }, { $set: { note: 'added later' } });
      expect((await verifyChain()).broken).to.include({ problem: 'changed', seq: 2 });
      await raw().updateOne({ seq: 2 }, { $unset: { note: '' } });
      expect((await verifyChain()).intact).to.equal(true);
      const at = (await entry(5)).at as Date;
      await raw().updateOne({ seq: 5 }, { $set: { at: new Date(at.getTime() + 1) } });
      expect((await verifyChain()).broken).to.include({ problem: 'changed', seq: 5 });
    });

    it('a deleted entry is found as a gap, naming the missing number and the entry after it', async () => {
      const next = await entry(4);
      await raw().deleteOne({ seq: 3 });
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'missing', seq: 4, id: String(next._id), from: 3, to: 3 });
      expect(describeBroken(report.broken!, t)).to.equal('Entries 3–3 are missing (deleted) before entry 4.');
    });

    it('a deleted first entry is found', async () => {
      await raw().deleteOne({ seq: 1 });
      expect((await verifyChain()).broken).to.include({ problem: 'missing', seq: 2, from: 1, to: 1 });
    });

    it('two entries whose seq were swapped are found at the first of the two places', async () => {
      const [two, five] = [await entry(2), await entry(5)];
      await raw().updateOne({ _id: two._id }, { $set: { seq: -2 } }); // out of the unique index's way
      await raw().updateOne({ _id: five._id }, { $set: { seq: 2 } });
      await raw().updateOne({ _id: two._id }, { $set: { seq: 5 } });
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'changed', seq: 2, id: String(five._id) });
    });

    it('an entry rewritten and re-hashed (hash recomputed by the intruder) is found by the next entry, which no longer links to it', async () => {
      const target = await entry(3);
      const forged = { ...target, after: { n: 1000 } };
      await raw().replaceOne({ _id: target._id }, { ...forged, hash: entryHash(forged) });
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'notLinked', seq: 4 });
    });

    it('an entry written into the collection without a number is found as outside the chain', async () => {
      const stray = new Types.ObjectId();
      await raw().insertOne({ _id: stray, actor: { kind: 'cli', label: 'x' }, action: 'user.create', target: { type: 'user', id: 'x' }, at: new Date() });
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'unchained', seq: null, id: String(stray), action: 'user.create' });
    });

    it('an entry whose seq was removed is found (as a gap, and it is not re-chained at the next start)', async () => {
      await raw().updateOne({ seq: 6 }, { $unset: { seq: '' } });
      expect(await chainLegacyEvents()).to.equal(0);
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'unchained', seq: null });
    });

    it('a seq that is not a number is found', async () => {
      await raw().updateOne({ seq: 3 }, { $set: { seq: 'three' } });
      const report = await verifyChain();
      expect(report.broken).to.include({ problem: 'missing', seq: 4, from: 3, to: 3 });
    });

    it('the newest entries removed: invisible without a noted head, found against one', async () => {
      const noted = (await chainHead())!;
      await raw().deleteMany({ seq: { $gte: 5 } });
      expect((await verifyChain()).intact).to.equal(true); // the documented limit
      const report = await verifyChain({ expectHead: { seq: noted.seq, hash: noted.hash } });
      expect(report.broken).to.include({ problem: 'headMissing', seq: 4, from: 6 });
    });

    it('a chain rewritten consistently up to the noted head is found against the head', async () => {
      const noted = (await chainHead())!;
      // The intruder rewrites entry 6 and re-hashes it: nothing follows it to notice.
      const last = await entry(6);
      const forged = { ...last, action: 'user.create' };
      await raw().replaceOne({ _id: last._id }, { ...forged, hash: entryHash(forged) });
      expect((await verifyChain()).intact).to.equal(true);
      const report = await verifyChain({ expectHead: { seq: noted.seq, hash: noted.hash } });
      expect(report.broken).to.include({ problem: 'headChanged', seq: 6, from: 6 });
    });
  });

  describe('events written before the chain', () => {
    it('join it once, oldest first, and a second run changes nothing', async () => {
      const ids = await legacyEvents(5); // written newest-first in time
      const before = await raw().find({}).toArray();
      expect(before.every((e) => e.seq === undefined)).to.equal(true);
      expect(await chainLegacyEvents({ batchSize: 2 })).to.equal(5);
      const chained = await raw().find({}, { sort: { seq: 1 } }).toArray();
      expect(chained.map((e) => String(e._id))).to.deep.equal(ids.map(String).reverse()); // (at, _id) order
      expect(await chainLegacyEvents()).to.equal(0);
      expect(await raw().find({}, { sort: { seq: 1 } }).toArray()).to.deep.equal(chained);
      expect((await verifyChain()).intact).to.equal(true);
      await recordAudit(input(42));
      expect((await verifyChain())).to.include({ intact: true, checked: 6 });
    });

    it('an interrupted run is completed by the next, never numbering an event twice', async () => {
      await legacyEvents(7);
      expect(await chainLegacyEvents({ limit: 3 })).to.equal(3);
      const partial = await verifyChain();
      expect(partial.broken).to.include({ problem: 'unchained' }); // until the next start
      await recordAudit(input(50)); // the app appends meanwhile
      expect(await chainLegacyEvents()).to.equal(4);
      expect(await chainLegacyEvents()).to.equal(0);
      expect(await seqs()).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await verifyChain())).to.include({ intact: true, checked: 8 });
    });

    it('two chaining runs at once beside live appends (one process) chain each event once, without a gap', async () => {
      await legacyEvents(8);
      const [a, b] = await Promise.all([
        chainLegacyEvents({ batchSize: 3 }),
        chainLegacyEvents({ batchSize: 3 }),
        ...Array.from({ length: 5 }, (_, i) => recordAudit(input(i))),
      ]);
      expect((a as number) + (b as number)).to.equal(8);
      expect(await seqs()).to.deep.equal(Array.from({ length: 13 }, (_, i) => i + 1));
      const report = await verifyChain();
      expect(report, JSON.stringify(report.broken)).to.include({ intact: true, checked: 13 });
    });
  });

  describe('several app processes at once', function () {
    this.timeout(90_000);

    it('three processes chaining the earlier events and appending 12 entries each make one gapless chain, each event numbered once', async () => {
      await legacyEvents(6);
      const chained = await writers(3, 12);
      // Each process's count of what it chained: on FerretDB two racing conditional updates of one
      // event can both report a change (its documented non-exclusive updates; db-capabilities), so
      // the sum may exceed 6 there — what must hold everywhere is the chain below.
      const total = chained.reduce((a, b) => a + b, 0);
      if (testDatabase().kind === 'ferretdb') expect(total).to.be.within(6, 8);
      else expect(total).to.equal(6);
      expect(await seqs()).to.deep.equal(Array.from({ length: 42 }, (_, i) => i + 1));
      const report = await verifyChain();
      expect(report, JSON.stringify(report.broken)).to.include({ intact: true, checked: 42 });
    });
  });
});
