// `npm run verify-audit` as a process against the test run's database: exit 0 and the head when
// the chain is intact, exit 1 naming the entry when an entry was changed or deleted in the
// collection, and the noted head (--expect-head) catching the newest entries being removed.
import { expect } from 'chai';
import { AuditEvent } from '../../../models/audit-event.js';
import { chainHead, recordAudit } from '../../../server/audit/chain.js';
import { runScript, type ScriptRun } from '../../helpers/run-script.js';
import { testDatabase } from '../../helpers/test-db.js';

function verifyAudit(args: string[]): Promise<ScriptRun> {
  return runScript('verify-audit.ts', args, { LANG: 'C', MONGODB_URI: testDatabase().uri });
}

async function appendSome(count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) {
    await recordAudit({ actor: { kind: 'cli', label: 'cli-test' }, action: 'entity.update', target: { type: 'entity', id: `E${n}` }, before: { name: 'a' }, after: { name: 'b' } });
  }
}

describe('npm run verify-audit', function () {
  this.timeout(60_000);

  it('on an intact chain, exits 0 and prints the head to note', async () => {
    await appendSome(4);
    const head = (await chainHead())!;
    const run = await verifyAudit(['--lang', 'en']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('4 entries checked.').and.include('VERDICT: INTACT');
    expect(run.stdout).to.include(`--expect-head 4:${head.hash}`);
  });

  it('after an entry is changed in the collection, exits 1 naming the entry and what is wrong', async () => {
    await appendSome(4);
    const target = await AuditEvent.collection.findOne({ seq: 3 });
    await AuditEvent.collection.updateOne({ _id: target!._id }, { $set: { 'after.name': 'c' } });
    const run = await verifyAudit(['--lang', 'en']);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.include(`VERDICT: BROKEN — The chain is broken at seq 3 (_id ${String(target!._id)}, entity.update, ${(target!.at as Date).toISOString()})`);
    expect(run.stdout).to.include('Entry 3 was changed after it was written');
  });

  it('after an entry is deleted, exits 1 naming the gap (in Chinese by default)', async () => {
    await appendSome(3);
    await AuditEvent.collection.deleteOne({ seq: 2 });
    const run = await verifyAudit([]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.include('VERDICT: BROKEN').and.include('条目 3 之前缺少第 2–2 条（已被删除）');
  });

  it('with the head noted before the newest entries were removed, exits 1; a malformed head is a usage error (2)', async () => {
    await appendSome(3);
    const head = (await chainHead())!;
    await AuditEvent.collection.deleteOne({ seq: 3 });
    const run = await verifyAudit(['--lang', 'en', '--expect-head', `${head.seq}:${head.hash}`]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.include('Entry 3, the head noted earlier, is no longer in the chain');
    const usage = await verifyAudit(['--expect-head', 'nonsense']);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('--expect-head takes SEQ:HASH');
  });
});
