// The app's start-up (server/main.ts) puts audit events written before the chain into it and
// logs the head; a second start changes nothing.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEvent } from '../../../models/audit-event.js';
import { chainHead } from '../../../server/audit/chain.js';
import { verifyChain } from '../../../server/audit/verify-chain.js';
import { killSpawnedApps, spawnApp, waitReady } from '../../helpers/app-process.js';
import { testDatabase } from '../../helpers/test-db.js';

async function startAndStop(dataDir: string): Promise<string> {
  const app = await spawnApp({ MONGODB_URI: testDatabase().uri, DATA_DIR: dataDir, DEMO_DATA: 'false', NODE_ENV: 'development', LOG_LEVEL: 'info' });
  await waitReady(app);
  app.child.kill('SIGTERM');
  expect((await app.exited()).code, app.output()).to.equal(0);
  return app.output();
}

describe('the app start-up and the audit chain', function () {
  this.timeout(120_000);
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shuangsuiji-audit-'));
  });
  afterEach(async () => {
    await killSpawnedApps();
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('chains the events written before the chain, logs the head, and a restart numbers nothing again', async () => {
    for (let n = 0; n < 3; n += 1) {
      await AuditEvent.create({ actor: { kind: 'cli', label: 'old-version' }, action: 'user.create', target: { type: 'user', id: `old${n}` }, at: new Date(Date.UTC(2025, 5, 1, 0, 0, n)) });
    }
    const first = await startAndStop(dataDir);
    const head = (await chainHead())!;
    expect(head.seq).to.be.at.least(3);
    expect(first).to.include('audit chain: 3 events written before the chain joined it');
    expect(first).to.include(`audit chain head: seq ${head.seq} ${head.hash}`);
    const chained = await AuditEvent.find({ action: 'user.create' }).sort({ seq: 1 }).lean();
    expect(chained.map((e) => [e.seq, e.target.id])).to.deep.equal([[1, 'old0'], [2, 'old1'], [3, 'old2']]);
    const second = await startAndStop(dataDir);
    expect(second).to.not.include('written before the chain joined it');
    expect((await chainHead())!.hash).to.equal(head.hash);
    expect(await verifyChain()).to.include({ intact: true, checked: head.seq });
  });
});
