// The draw job in real app processes (server/main.ts, spawned) sharing the test database, under
// a controlled, accelerated clock (DRAW_TEST_CLOCK): two instances drawing a task due every
// minute for six minutes (lottery + commit–reveal sources, so the slots are not limited by the
// few recorded drand rounds), each slot drawn, listed and audited exactly once, and each
// instance drawing on its own while the other is frozen (SIGSTOP); two instances drawing a task
// due every 30 seconds through the recorded quicknet rounds (the relay path); SIGKILL at three
// points of a draw (DRAW_TEST_CRASH_AT) and recovery on the next start; a slot passed while the
// app was down, drawn once on start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Announcement, AuditEvent, DrawRun, DrawnEntity, type AnnouncementRecord } from '../../../models/index.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { computeRecord, recordSha256, runRandomness } from '../../../server/plans/draws.js';
import type { CrashPoint } from '../../../server/plans/settings.js';
import { enterLotteryResult, lotteryAvailableAt } from '../../../server/plans/sources.js';
import { killSpawnedApps, spawnApp, waitReady, type AppProcess } from '../../helpers/app-process.js';
import { testDatabase } from '../../helpers/test-db.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay } from './support.js';

/** The announcement keys an instance's draw job reported drawn (claimed, or found claimed). */
function drawnIn(output: string): string[] {
  const keys: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"draw job: progress"')) continue;
    keys.push(...((JSON.parse(line) as { drawn?: string[] }).drawn ?? []));
  }
  return keys;
}

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
  const frozen = new Set<AppProcess>();
  afterEach(async () => {
    // A failed test may leave an instance stopped: it must run again to hear SIGTERM.
    for (const p of frozen) p.child.kill('SIGCONT');
    frozen.clear();
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

  it('two instances, a task due every minute for six minutes (lottery + commit–reveal): each slot drawn, listed and audited exactly once, by both instances', async () => {
    await seedWorld({ entities: 60, inspectors: 8 });
    const chen = supervisor('chen');
    const wang = supervisor('wang');
    const task = await makeTask(chen, await publishedPlanKey(chen), {
      schedule: { cron: '0 31-36 13 * * *' }, sources: { drand: false, lotteryGame: 'fc3d', commitReveal: true },
      strata: [{ id: 'all', quota: { count: 4 }, alternates: 1 }],
    });
    const slots = [31, 32, 33, 34, 35, 36].map((m) => new Date(`2026-07-24T13:${m}:00.000Z`));
    // Announced the evening before (20:00 Beijing on the 23rd), so each declares the 福彩3D
    // result of the 24th, published at 21:30 Beijing (13:30 UTC): entered by two supervisors
    // before the slots. An announcement made by an instance during the slots would wait a day
    // for its lottery — the next slot (the 25th) does, and is announced once.
    const before = settingsWith(testClock('2026-07-23T12:00:00Z'), []);
    const announced: AnnouncementRecord[] = [];
    for (const slot of slots) announced.push(await announceSlot(task, slot, chen, before, { trigger: 'schedule' }));
    expect(lotteryAvailableAt({ game: 'fc3d', date: '2026-07-24' }).toISOString()).to.equal('2026-07-24T13:30:00.000Z');
    const published = settingsWith(testClock('2026-07-24T13:30:05Z'), []);
    for (const a of announced) {
      expect((await enterLotteryResult(a._id.toString(), 0, '073', chen, published)).state).to.equal('waiting');
      expect((await enterLotteryResult(a._id.toString(), 0, '0 7 3', wang, published)).state).to.equal('ready');
    }

    // The clock reads 13:27:00 now and runs ten times faster (a minute is 6 real seconds) in
    // both instances: the first slot comes 24 real seconds from now, time for both to start.
    const clockStart = Date.parse('2026-07-24T13:27:00Z');
    const epoch = Date.now();
    const rate = 10;
    const testNow = () => clockStart + (Date.now() - epoch) * rate;
    const clock = `2026-07-24T13:27:00Z@${epoch}x${rate}`;
    const [one, two] = (await Promise.all([app({ DRAW_TEST_CLOCK: clock, LOG_LEVEL: 'info' }), app({ DRAW_TEST_CLOCK: clock, LOG_LEVEL: 'info' })])) as [AppProcess, AppProcess];
    await Promise.all([waitReady(one), waitReady(two)]);
    const pidOf = new Map([[one.child.pid!, 'one'], [two.child.pid!, 'two']]);
    expect(testNow(), 'both instances ready before the first slot').to.be.below(slots[0]!.getTime());

    const explain = async (e: Error) => {
      const runs = await DrawRun.find().select('key state claimedBy.pid').lean();
      throw new Error(`${e.message} at ${new Date(testNow()).toISOString()}: ${JSON.stringify(runs)}\n--- one\n${one.output().slice(-3000)}\n--- two\n${two.output().slice(-3000)}`);
    };
    /** Waits until slot i is drawn and its completion audited (the last step of a draw). */
    const drawn = (i: number) => until(`slot ${slots[i]!.toISOString()} drawn`, async () => {
      const run = await DrawRun.findOne({ key: announced[i]!.key, state: 'complete' }).lean();
      return run && (await AuditEvent.exists({ action: 'draw.complete', 'after.key': run.key })) ? run : null;
    }, 30_000).catch(explain);
    let frozenBefore = 2;
    const freeze = (p: AppProcess) => {
      // Frozen before the next slot is due, or the test would not show what it claims.
      if (testNow() > slots[frozenBefore]!.getTime() - 15_000) throw new Error(`too late to freeze an instance before ${slots[frozenBefore]!.toISOString()}`);
      p.child.kill('SIGSTOP');
      frozen.add(p);
    };
    const thaw = (p: AppProcess) => { p.child.kill('SIGCONT'); frozen.delete(p); };

    // 13:31 and 13:32: both instances race for each claim.
    await drawn(0);
    await drawn(1);
    // 13:33: instance one is frozen, two must draw alone; 13:34 the other way round.
    freeze(one);
    const third = await drawn(2);
    expect(pidOf.get(third.claimedBy!.pid!)).to.equal('two');
    frozenBefore = 3;
    thaw(one);
    freeze(two);
    const fourth = await drawn(3);
    expect(pidOf.get(fourth.claimedBy!.pid!)).to.equal('one');
    thaw(two);
    // 13:35 and 13:36: both race again (the thawed instance resumes mid-run with a stale clock reading).
    await drawn(4);
    await drawn(5);
    // The next slot (13:31 on the 25th) is announced by whichever instance inserts it first.
    const next = await until('the next slot announced', () => Announcement.findOne({ taskId: task._id, slot: new Date('2026-07-25T13:31:00Z') }).lean(), 15_000).catch(explain);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a few more ticks of both instances

    const runs = await DrawRun.find({ taskId: task._id }).sort({ slot: 1 }).lean();
    expect(runs.map((r) => [r.slot.toISOString(), r.attempt, r.state, r.trigger])).to.deep.equal(slots.map((s) => [s.toISOString(), 1, 'complete', 'schedule']));
    const claimers = runs.map((r) => pidOf.get(r.claimedBy!.pid!));
    // How many racing slots both instances went for (their logs name the draws they handled,
    // claimed or found claimed). Reported, not asserted: under a loaded CI machine one instance
    // may tick only after the other finished; the frozen-instance slots above prove both draw.
    const handled = [one, two].map((p) => new Set(drawnIn(p.output())));
    const contended = [0, 1, 4, 5].filter((i) => handled.every((h) => h.has(announced[i]!.key)));
    process.stdout.write(`      (racing slots handled by both instances: ${contended.length} of 4; claimed by ${claimers.join(', ')})\n`);
    expect(claimers.every(Boolean), `every claim by one of the instances: ${JSON.stringify(runs.map((r) => r.claimedBy))}`).to.equal(true);
    expect(new Set(claimers)).to.have.keys('one', 'two');
    const secrets = new Set<string>();
    for (const [i, r] of runs.entries()) {
      // The drawn list: the record recomputed from the announcement and the claimed values, each row once.
      const { record } = await computeRecord(announced[i]!, runRandomness(r));
      expect(r.recordSha256).to.equal(recordSha256(record));
      const rows = await DrawnEntity.find({ runKey: r.key }).sort({ order: 1 }).lean();
      expect(rows.map((x) => [x.role, x.creditCode])).to.deep.equal(record.strata.flatMap((s) => [...s.selected.map((c) => ['selected', c]), ...s.alternates.map((c) => ['alternate', c])]));
      expect(rows).to.have.length(5);
      secrets.add(runRandomness(r).reveal!);
      for (const action of ['draw.start', 'draw.complete']) expect(await AuditEvent.countDocuments({ action, 'after.key': r.key }), `${action} ${r.key}`).to.equal(1);
      expect(await AuditEvent.countDocuments({ action: 'draw.failed', 'after.key': r.key })).to.equal(0);
    }
    expect(secrets.size, 'each slot revealed its own committed secret').to.equal(slots.length);
    expect(await DrawnEntity.countDocuments({ taskId: task._id })).to.equal(5 * slots.length);
    expect(await AuditEvent.countDocuments({ action: 'draw.announce', 'after.key': next.key })).to.equal(1);
    expect(await Announcement.countDocuments({ taskId: task._id })).to.equal(slots.length + 1);
    expect(next.drawnAt ?? null).to.equal(null);
    expect(one.output()).to.not.match(/"level":50/);
    expect(two.output()).to.not.match(/"level":50/);
  });

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
    for (const r of runs) {
      expect(await DrawnEntity.countDocuments({ runKey: r.key })).to.equal(5);
      expect(await AuditEvent.countDocuments({ action: 'draw.complete', 'after.key': r.key }), r.key).to.equal(1);
    }
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
