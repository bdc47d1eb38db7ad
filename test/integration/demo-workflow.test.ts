// The demo history (server/demo/demo-workflow.ts): the whole cycle made through the real use
// cases on demo clocks — published plans, drawn and locked tasks, inspections in every state,
// published results over several months, a task waiting for its draw, work waiting for each demo
// account — and a load that adds nothing the second time and finishes after an interruption,
// in-process at many points and by SIGKILL of the real app in the middle of its background phase.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { AppMeta, Inspector } from '../../models/index.js';
import { Announcement } from '../../models/announcement.js';
import { DrawRun, DrawnEntity, LotteryEntry } from '../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { Plan, type PlanRecord } from '../../models/plan.js';
import { Task } from '../../models/task.js';
import { User } from '../../models/user.js';
import { AuditEvent } from '../../models/audit-event.js';
import { verify } from '../../server/draw/index.js';
import { drawRecord } from '../../server/plans/drawn-list.js';
import { SYSTEM } from '../../server/plans/acting.js';
import { verifyChain } from '../../server/audit/verify-chain.js';
import { loadDemoWorldOnce } from '../../server/demo/load-world.js';
import { createDemoUsersOnce } from '../../server/demo/demo-users.js';
import { DemoInterrupted } from '../../server/demo/demo-context.js';
import { killSpawnedApps, spawnApp, type AppProcess } from '../helpers/app-process.js';
import { testDatabase } from '../helpers/test-db.js';

// 09:00 Beijing on a Monday; the demo history is placed before it (and one draw after it).
const NOW = new Date('2026-11-30T01:00:00Z');
const TODAY = '2026-11-30';
const OPTIONS = { now: () => NOW, timeZone: 'Asia/Shanghai', progress: process.env.DEMO_PROGRESS ? (m: string) => console.log(`      ${m}`) : () => {}, background: false };
const ALL_STATES = ['assigned', 'approved', 'checked_in', 'findings_entered', 'submitted', 'returned', 'rejected', 'approved_for_publication', 'published', 'closed'];

async function world(entities: number): Promise<void> {
  await loadDemoWorldOnce({ seed: 'demo-workflow-test', entities, asOf: TODAY }, () => {});
}

async function countsOfEveryCollection(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments()] as const)));
}

/** What a finished demo history must hold, whatever interruptions it went through. */
async function expectWholeCycle(expected: { min: number; max: number }): Promise<{ inspections: InspectionRecord[] }> {
  // Plans: the annual plan published and under way; the 专项 plan approved by another supervisor than its author.
  const plans = await Plan.find().lean<PlanRecord[]>();
  const annual = plans.filter((p) => p.inspectionType === '日常');
  const special = plans.filter((p) => p.inspectionType === '专项');
  expect(annual.length).to.be.greaterThan(0);
  for (const p of annual) expect(p).to.include({ status: '执行中' }).and.have.property('publishedAt');
  expect(special).to.have.length(1);
  expect(special[0]!.necessityNote).to.match(/\S/);
  expect(special[0]!.approvedBy?.userId?.toString()).to.be.a('string').and.not.equal(special[0]!.createdBy?.userId?.toString());
  expect(special[0]!.publishedAt).to.be.instanceOf(Date);

  // Tasks: two finished, one under way, one announced and waiting for its draw three days ahead.
  const tasks = await Task.find().sort({ number: 1 }).lean();
  expect(tasks.map((t) => t.status)).to.deep.equal(['已完成', '已完成', '已抽取', '待抽取']);
  const future = tasks[3]!;
  const waiting = await Announcement.find({ taskId: future._id }).lean();
  expect(waiting).to.have.length(1);
  expect(waiting[0]!.drawAt.getTime()).to.be.greaterThan(NOW.getTime());
  expect(await DrawRun.countDocuments({ taskId: future._id })).to.equal(0);

  // Draws: each past one complete, locked, dispatched and verifiable from its record.
  const runs = await DrawRun.find().lean();
  expect(runs).to.have.length(3);
  for (const run of runs) {
    expect(run.state).to.equal('complete');
    expect(run.lockedAt).to.be.instanceOf(Date);
    expect(run.dispatchedAt).to.be.instanceOf(Date);
    expect(run.lockedAt!.getTime()).to.be.lessThan(NOW.getTime());
    const { record } = await drawRecord(run.key, SYSTEM);
    expect(verify(record).ok, `the draw ${run.key} verifies`).to.equal(true);
    expect(await Inspection.countDocuments({ runKey: run.key })).to.equal(await DrawnEntity.countDocuments({ runKey: run.key, role: 'selected' }));
  }
  expect(await LotteryEntry.countDocuments()).to.equal(6); // two supervisors, three draws
  expect(await Announcement.countDocuments()).to.equal(4);

  // Inspections: every state; 60–150 public results over several months, several categories, a correction, 无法联系 flagged.
  const inspections = await Inspection.find().lean<InspectionRecord[]>();
  const states = new Set(inspections.map((i) => i.state));
  for (const state of ALL_STATES) expect(states, state).to.include(state);
  const publicResults = inspections.filter((i) => i.publishedAt && (i.state === 'published' || i.state === 'closed'));
  expect(publicResults.length).to.be.within(expected.min, expected.max);
  expect(new Set(publicResults.map((i) => i.publication!.publishedOn.slice(0, 7))).size).to.be.at.least(3);
  expect(publicResults.every((i) => i.publishedAt!.getTime() < NOW.getTime())).to.equal(true);
  expect(new Set(publicResults.map((i) => i.resultCategory)).size).to.be.at.least(4);
  expect(publicResults.filter((i) => i.corrections.length > 0)).to.have.length(1);
  const unreachable = publicResults.filter((i) => i.resultCategory === 'R04');
  expect(unreachable.length).to.be.at.least(1);
  expect(unreachable.every((i) => i.abnormalListHandoff)).to.equal(true);
  expect(inspections.some((i) => i.recusals.length > 0), 'a recusal').to.equal(true);
  // 陈述申辩 (STATEMENT_WORKING_DAYS is on by default): a statement answered before publication, and a waiver.
  const statements = publicResults.map((i) => i.statement).filter((x) => x);
  expect(statements.filter((x) => x!.kind === 'statement' && x!.answer?.decision).length).to.be.at.least(1);
  expect(statements.filter((x) => x!.kind === 'waived').length).to.be.at.least(1);

  // Work waiting: the demo inspector has visits to check in (whole team valid today) and findings to confirm.
  const demoInspector = await User.findOne({ username: 'demo-inspector' }).lean();
  const linked = await Inspector.findById(demoInspector!.inspectorId).lean();
  const mine = inspections.filter((i) => i.team.includes(linked!.inspectorId));
  expect(mine.filter((i) => i.state === 'approved').length).to.be.at.least(1);
  expect(mine.filter((i) => i.state === 'findings_entered' && !i.confirmations.some((c) => c.inspectorId === linked!.inspectorId)).length).to.be.at.least(1);
  expect(mine.some((i) => i.state === 'returned')).to.equal(true);
  // …and the demo supervisor results to review and visits to approve, in their department.
  const supervisor = await User.findOne({ username: 'demo-supervisor' }).lean();
  expect(inspections.filter((i) => i.state === 'submitted' && i.departmentCode === supervisor!.departmentCode).length).to.be.at.least(3);
  expect(inspections.filter((i) => i.state === 'assigned').length).to.be.at.least(2);

  // The audit trail is one intact chain, and no step was recorded twice.
  expect((await verifyChain()).intact).to.equal(true);
  const approvals = await AuditEvent.countDocuments({ action: 'inspection.approve' });
  expect(approvals).to.equal(inspections.filter((i) => i.approval).length);
  expect(await AuditEvent.countDocuments({ action: 'inspection.publish' })).to.equal(publicResults.length);
  return { inspections };
}

describe('the demo history', function () {
  this.timeout(10 * 60_000);

  it('runs the whole cycle through the use cases, and a second start adds nothing', async () => {
    await world(3000);
    const started = Date.now();
    const credentials = await createDemoUsersOnce(OPTIONS);
    const took = Date.now() - started;
    expect(credentials.map((c) => c.username)).to.include.members(['demo-admin', 'demo-supervisor', 'demo-reviewer', 'demo-inspector']);
    const { inspections } = await expectWholeCycle({ min: 60, max: 150 }); // the 3,000-entity demo: results search and statistics look real
    console.log(`      (demo history: ${inspections.length} inspections in ${(took / 1000).toFixed(1)} s)`);

    const before = await countsOfEveryCollection();
    const head = await AuditEvent.countDocuments();
    expect(await createDemoUsersOnce(OPTIONS)).to.deep.equal([]);
    expect(await countsOfEveryCollection()).to.deep.equal(before);
    expect(await AuditEvent.countDocuments()).to.equal(head);
  });

  it('finishes the same history after being stopped at any phase', async () => {
    await world(1200);
    // Stops in the plans, in the draws, in the inspections early and late: each start goes further.
    for (const at of [2, 9, 25, 120, 300]) {
      const stopped = await createDemoUsersOnce({ ...OPTIONS, interruptAfter: at }).then(() => null, (error: unknown) => error);
      expect(stopped, `stopped at step ${at}`).to.be.instanceOf(DemoInterrupted);
      expect((await AppMeta.findOne({ key: 'demo-workflow' }).lean())?.value).to.include({ status: 'loading' });
    }
    await createDemoUsersOnce(OPTIONS);
    expect((await AppMeta.findOne({ key: 'demo-workflow' }).lean())?.value).to.include({ status: 'done' });
    await expectWholeCycle({ min: 30, max: 150 }); // a smaller world draws fewer
    expect(await User.countDocuments({ username: /^demo-/ })).to.equal(await User.countDocuments());
  });

  describe('in the real app', () => {
    let dataDir: string;
    let dbName: string;
    afterEach(async () => {
      await killSpawnedApps();
      await rm(dataDir, { recursive: true, force: true });
      await mongoose.connection.useDb(dbName).dropDatabase();
    });

    const start = (): Promise<AppProcess> => spawnApp({
      NODE_ENV: 'development', DEMO_DATA: 'true', DEMO_ENTITIES: '1200', DATA_DIR: dataDir, LOG_LEVEL: 'info',
      MONGODB_URI: testDatabase().uriFor(dbName), DRAW_JOB_INTERVAL_SECONDS: '60',
    });
    const until = async (app: AppProcess, pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(app.output())) {
        if (app.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in:\n${app.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    it('listens before the inspections are taken forward, and a start killed half-way through them finishes on the next start', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'demo-kill-'));
      dbName = `demo_kill_${process.pid}`;
      const first = await start();
      await until(first, /"msg":"ready: http/, 120_000);
      expect(first.output()).to.match(/Demo accounts/);
      expect(first.output(), 'the inspections are taken forward after the app listens').to.not.match(/demo history: loaded/);
      // Killed as soon as the inspections start being taken forward (their progress is logged every
      // 3 s, and on a fast machine the whole phase can end before a first progress line).
      await until(first, /demo history: plans, tasks and draws ready in .*inspections to take forward/, 120_000);
      first.child.kill('SIGKILL');
      await first.exited();
      const db = mongoose.connection.useDb(dbName, { useCache: false });
      expect((await db.collection('appmetas').findOne({ key: 'demo-workflow' }))?.value).to.include({ status: 'loading' });

      const second = await start();
      await until(second, /demo history: loaded/, 300_000);
      expect(second.output(), 'accounts are printed once').to.not.match(/Demo accounts/);
      const inspections = db.collection('inspections');
      const states = await inspections.distinct('state');
      expect(states).to.include.members(ALL_STATES);
      const selected = await db.collection('drawnentities').countDocuments({ role: 'selected' });
      expect(await inspections.countDocuments()).to.equal(selected);
      expect(await db.collection('drawruns').countDocuments()).to.equal(3);
      expect(await db.collection('users').countDocuments()).to.equal(await db.collection('users').countDocuments({ username: /^demo-/ }));
      // Every approval and publication on the audit trail once.
      const approved = await inspections.countDocuments({ approval: { $exists: true } });
      const events = db.collection('auditevents');
      expect(await events.countDocuments({ action: 'inspection.approve' })).to.equal(approved);
      expect(await events.countDocuments({ action: 'inspection.publish' })).to.equal(await inspections.countDocuments({ publishedAt: { $exists: true } }));
      second.child.kill('SIGTERM');
      await second.exited();
    });
  });
});
