// The draw job in real app processes (server/main.ts, spawned) sharing the test database:
// two instances drawing a task due every 30 seconds (the recorded quicknet rounds are 30 s
// apart) under a controlled, accelerated clock (DRAW_TEST_CLOCK); SIGKILL at three points of
// a draw (DRAW_TEST_CRASH_AT) and recovery on the next start; a slot passed while the app was
// down, drawn once on start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Announcement, DrawRun, DrawnEntity, type AnnouncementRecord } from '../../../models/index.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { computeRecord, recordSha256, runRandomness } from '../../../server/plans/draws.js';
import type { CrashPoint } from '../../../server/plans/settings.js';
import { killSpawnedApps, spawnApp, waitReady, type AppProcess } from '../../helpers/app-process.js';
import { testDatabase } from '../../helpers/test-db.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay } from './support.js';

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the draw job in app processes', function () {
  this.timeout(120_000);
  let relay: FakeRelay;
  const dirs: string[] = [];
  beforeEach(async () => { relay = await fakeRelay(); });
  afterEach(async () => {
    await killSpawnedApps();
    await relay.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function app(extra: Record<string, string>): Promise<AppProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), 'ssj-draw-app-'));
    dirs.push(dataDir);
    return spawnApp({
      MONGODB_URI: testDatabase().uri, NODE_ENV: 'test', DEMO_DATA: 'false', DATA_DIR: dataDir, TIME_ZONE: 'UTC',
      DRAND_RELAYS: relay.url, DRAW_JOB_INTERVAL_SECONDS: '1', ...extra,
    });
  }

  /** A one-shot task due at 07:39:00 (round 30662992), announced at 07:38:00 by the test. */
  async function announcedTask(): Promise<AnnouncementRecord> {
    const chen = supervisor('chen');
    const task = await makeTask(chen, await publishedPlanKey(chen), { number: `T-${Date.now()}` });
    return announceSlot(task, task.schedule!.at!, chen, settingsWith(testClock('2026-07-23T07:38:00Z'), [relay.url]));
  }

  it('two instances, a task due every 30 seconds through 07:38–07:39 (clock ×4): every slot with a published round is drawn exactly once', async () => {
    await seedWorld({ entities: 60, inspectors: 8 });
    const chen = supervisor('chen');
    const task = await makeTask(chen, await publishedPlanKey(chen), { schedule: { cron: '*/30 38-39 7 * * *' }, strata: [{ id: 'all', quota: { count: 4 }, alternates: 1 }] });
    // The clock reads 07:38:25 fifteen real seconds from now and runs four times faster, in
    // both; the lead leaves the instances time to start before the first slot they must announce.
    const clock = `2026-07-23T07:38:25Z@${Date.now() + 15_000}x4`;
    const [one, two] = await Promise.all([app({ DRAW_TEST_CLOCK: clock }), app({ DRAW_TEST_CLOCK: clock })]);
    await Promise.all([waitReady(one!), waitReady(two!)]);
    const slots = ['2026-07-23T07:38:30.000Z', '2026-07-23T07:39:00.000Z', '2026-07-23T07:39:30.000Z'];
    await until('three complete draws', async () => (await DrawRun.countDocuments({ state: 'complete' })) >= 3, 90_000).catch(async (e: Error) => {
      const state = { announcements: await Announcement.find().select('key drawAt drawnAt announcedAt').lean(), runs: await DrawRun.find().select('key state').lean() };
      throw new Error(`${e.message}: ${JSON.stringify(state)}\n${one!.output().slice(-3000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a few more ticks of both instances
    const runs = await DrawRun.find({ taskId: task._id }).sort({ slot: 1 }).lean();
    expect(runs.map((r) => [r.slot.toISOString(), r.attempt, r.state])).to.deep.equal(slots.map((s) => [s, 1, 'complete']));
    for (const r of runs) expect(await DrawnEntity.countDocuments({ runKey: r.key })).to.equal(5);
    // 07:38:00 (if the instances saw it coming) was announced but its round is not recorded: it waits.
    const announced = await Announcement.find({ taskId: task._id }).lean();
    expect(announced.filter((x) => !slots.includes(x.slot.toISOString())).every((x) => !x.drawnAt)).to.equal(true);
    expect(one!.output()).to.not.match(/"level":50/);
    expect(two!.output()).to.not.match(/"level":50/);
  });

  for (const point of ['after-claim', 'after-results', 'before-complete'] as CrashPoint[]) {
    it(`SIGKILL ${point}: after a restart there is exactly one draw, equal to an uninterrupted run`, async () => {
      await seedWorld({ entities: 40, inspectors: 8 });
      const a = await announcedTask();
      const clock = `2026-07-23T07:40:00Z@${Date.now()}x1`;
      const crashing = await app({ DRAW_TEST_CLOCK: clock, DRAW_TEST_CRASH_AT: point });
      const { signal } = await crashing.exited();
      expect(signal).to.equal('SIGKILL');
      const claimed = await DrawRun.find({ key: a.key }).lean();
      expect(claimed.map((r) => r.state)).to.deep.equal(['drawing']);
      const restarted = await app({ DRAW_TEST_CLOCK: clock });
      await waitReady(restarted);
      const run = await until('the draw completed', () => DrawRun.findOne({ key: a.key, state: 'complete' }).lean(), 30_000);
      expect(await DrawRun.countDocuments({ taskId: a.taskId })).to.equal(1);
      const uninterrupted = await computeRecord(a, runRandomness(run));
      expect(run.recordSha256).to.equal(recordSha256(uninterrupted.record));
      const rows = await DrawnEntity.find({ runKey: a.key }).sort({ order: 1 }).lean();
      expect(rows.filter((r) => r.role === 'selected').map((r) => r.creditCode)).to.deep.equal(uninterrupted.record.strata.flatMap((s) => s.selected));
      expect(rows).to.have.length(7);
    });
  }

  it('a draw whose time passed while the app was down is drawn on start, once', async () => {
    await seedWorld({ entities: 20, inspectors: 8 });
    const a = await announcedTask();
    const clock = `2026-07-23T09:00:00Z@${Date.now()}x1`;
    const first = await app({ DRAW_TEST_CLOCK: clock });
    await waitReady(first);
    const run = await until('the catch-up draw', () => DrawRun.findOne({ key: a.key, state: 'complete' }).lean(), 30_000);
    expect(run.trigger).to.equal('catch-up');
    first.child.kill('SIGTERM');
    await first.exited();
    const second = await app({ DRAW_TEST_CLOCK: clock });
    await waitReady(second);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await DrawRun.countDocuments()).to.equal(1);
    expect(await DrawnEntity.countDocuments({ runKey: a.key })).to.equal(7);
  });
});
