// Crash safety of inspection changes: a child process (test/helpers/inspection-worker.ts) submits
// findings and approves results with immediate publication for many inspections, and is killed
// with SIGKILL at random moments of that work, round after round. After every kill each
// inspection must be in a legal state whose fields agree with it (never half-changed, never
// published without an approving review), and every audit entry it owes must be either written
// or waiting in its outbox — never written twice. The recovery (publishDue, flushPendingOutboxes:
// the inspections job) then finishes what was cut short: every publication and every audit entry
// exactly once, and nothing is published again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import cron from 'node-cron';
import { AuditEvent } from '../../../models/index.js';
import { CheckLookup } from '../../../models/check-lookup.js';
import { inspectionsJob } from '../../../jobs/inspections.js';
import { Inspection, INSPECTION_STATES, type InspectionRecord } from '../../../models/inspection.js';
import { newCheckCode } from '../../../server/inspections/approval.js';
import { flushPendingOutboxes } from '../../../server/inspections/lifecycle.js';
import { publishDue, reviewInspection } from '../../../server/inspections/review.js';
import { PROJECT_ROOT } from '../../../server/paths.js';
import { testDatabase } from '../../helpers/test-db.js';
import { readyToSubmit, submitted } from './progress.js';
import { lockedDraw, type LockedDraw } from './support.js';

const CLONES = 40;
const KILLED_ROUNDS = 8;
/** The audited transitions after findings_entered, in order: how far an inspection has come. */
const PATH = [
  { state: 'findings_entered', action: null },
  { state: 'submitted', action: 'inspection.submit' },
  { state: 'approved_for_publication', action: 'inspection.approve_publication' },
  { state: 'published', action: 'inspection.publish' },
] as const;
/** What the recovery finishes: publications a crash cut short, audit entries still owed. */
const UNFINISHED: Record<string, unknown> = mongoose.trusted({ $or: [{ state: 'approved_for_publication' }, { outboxPending: true }] });
const ACTIONS = PATH.flatMap((p) => (p.action ? [p.action] : []));

interface Worker {
  /** Resolves once the worker has printed `n` steps (or finished). */
  steps(n: number): Promise<void>;
  kill(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  done(): boolean;
}

function startWorker(): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'inspection-worker.ts')], {
    cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, MONGODB_URI: testDatabase().uri }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let steps = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) {
      if (steps >= w.n || output.includes('done\n') || child.exitCode !== null || child.signalCode !== null) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    steps = output.match(/^step \d+$/gm)?.length ?? 0;
    wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => { resolve({ code, signal }); wake(); }));
  return {
    steps: (n) => new Promise((resolve) => { waiters.push({ n, resolve }); wake(); }),
    kill: async () => { child.kill('SIGKILL'); await exited; },
    exited, output: () => output, done: () => output.includes('done\n'),
  };
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

describe('inspections: SIGKILL during submissions and approvals', function () {
  this.timeout(240_000);
  let world: LockedDraw;
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.kill();
    await world.relay.close();
  });

  /** Every inspection of the test with the version it had before the worker touched it. */
  async function prepare(): Promise<Map<string, number>> {
    world = await lockedDraw();
    const ready = [];
    for (const inspection of world.inspections) ready.push(await readyToSubmit(world, inspection));
    // Copies of the first, each with its own id and code: many inspections, one draw.
    const proto = (await Inspection.findById(ready[0]!._id).lean<InspectionRecord>())!;
    const { _id, checkCode: _code, reply: _reply, outbox: _outbox, outboxPending: _pending, ...fields } = proto; // the reply code is unique too
    await Inspection.collection.insertMany(Array.from({ length: CLONES }, (_, i) => ({ ...fields, _id: `${_id}#copy${i}`, checkCode: newCheckCode(), outbox: [] })) as never[]);
    const all = await Inspection.find({}).select('_id version').lean<{ _id: string; version: number }[]>();
    return new Map(all.map((i) => [i._id, i.version]));
  }

  /** How far each inspection has come (0 … 3 transitions) and what contradicts its state. */
  async function checkStates(base: Map<string, number>): Promise<{ progress: Map<string, number>; problems: string[] }> {
    const problems: string[] = [];
    const progress = new Map<string, number>();
    for (const doc of await Inspection.find({}).lean<InspectionRecord[]>()) {
      const fail = (what: string) => problems.push(`${doc._id} (${doc.state}, v${doc.version}): ${what}`);
      const step = PATH.findIndex((p) => p.state === doc.state);
      progress.set(doc._id, step);
      if (!(INSPECTION_STATES as readonly string[]).includes(doc.state)) fail('not a legal state');
      if (step < 0) { fail('a state this work never makes'); continue; }
      if (doc.version - base.get(doc._id)! !== step) fail(`version moved ${doc.version - base.get(doc._id)!} times for ${step} transitions`);
      const published = doc.state === 'published';
      if (published !== Boolean(doc.publishedAt) || published !== Boolean(doc.publication)) fail('published ⇔ publishedAt and publication');
      if (doc.state === 'approved_for_publication' && !doc.publishAt) fail('approved for publication without publishAt');
      if (step >= 1 && !(doc.submittedAt && doc.resultOn && doc.publishDueOn)) fail('submitted without submittedAt, resultOn or publishDueOn');
      if (step === 0 && doc.submittedAt) fail('submittedAt set before submission');
      const approvals = doc.reviews.filter((r) => r.decision === 'approve' && r.revision === doc.revision);
      if (approvals.length !== (step >= 2 ? 1 : 0)) fail(`${approvals.length} approving reviews`);
      if (published && (doc.publication as { resultCategory?: string }).resultCategory !== doc.resultCategory) fail('publication disagrees with the result');
      const owedIds = Array.from({ length: step }, (_, i) => `${doc._id}#${base.get(doc._id)! + i + 1}`);
      for (const entry of doc.outbox) if (!owedIds.includes(entry.id)) fail(`outbox holds ${entry.id}, owed by no transition`);
      if (doc.outbox.length > 0 && !doc.outboxPending) fail('outbox entries without outboxPending');
    }
    return { progress, problems };
  }

  /** Audit entries of the transitions made: written at most once, and either written or owed (`exact`: written once). */
  async function checkAudit(progress: Map<string, number>, exact: boolean): Promise<string[]> {
    const problems: string[] = [];
    const events = await AuditEvent.find({ 'target.type': 'inspection', action: mongoose.trusted({ $in: ACTIONS }) }).select('target.id action').lean<{ target: { id: string }; action: string }[]>();
    const written = new Map<string, number>();
    for (const e of events) written.set(`${e.target.id} ${e.action}`, (written.get(`${e.target.id} ${e.action}`) ?? 0) + 1);
    const docs = new Map((await Inspection.find({}).select('outbox').lean<InspectionRecord[]>()).map((d) => [d._id, d]));
    for (const [id, step] of progress) {
      for (const [i, action] of ACTIONS.entries()) {
        const count = written.get(`${id} ${action}`) ?? 0;
        const owed = i < step;
        const waiting = docs.get(id)!.outbox.some((e) => e.action === action);
        if (count > 1) problems.push(`${id}: ${action} written ${count} times`);
        if (!owed && count > 0) problems.push(`${id}: ${action} written for a transition not made`);
        if (owed && count === 0 && (exact || !waiting)) problems.push(`${id}: ${action} ${exact ? 'missing after recovery' : 'neither written nor in the outbox'}`);
      }
    }
    return problems;
  }

  it(`after ${KILLED_ROUNDS} kills at random moments: old or new state only, every audit entry and publication exactly once after recovery`, async () => {
    const base = await prepare();
    const publishedAt = new Map<string, number>();
    const seen = new Set<string>();
    const recoveryClock = () => world.clock.set('2026-07-30T02:00:00Z');
    const recover = async (round: string) => {
      const { progress, problems } = await checkStates(base);
      expect(problems, `${round}: states after the kill`).to.deep.equal([]);
      expect(await checkAudit(progress, false), `${round}: audit after the kill`).to.deep.equal([]);
      for (const doc of await Inspection.find(UNFINISHED).select('state outboxPending').lean<InspectionRecord[]>()) {
        seen.add(doc.state === 'approved_for_publication' ? 'approved, not yet published' : 'audit entries owed');
      }
      recoveryClock();
      await publishDue(world.settings);
      await flushPendingOutboxes();
      const after = await checkStates(base);
      expect(after.problems, `${round}: states after recovery`).to.deep.equal([]);
      expect(await checkAudit(after.progress, true), `${round}: audit after recovery`).to.deep.equal([]);
      expect(await Inspection.countDocuments(UNFINISHED), `${round}: nothing left to finish`).to.equal(0);
      for (const doc of await Inspection.find({ state: 'published' }).select('publishedAt').lean<InspectionRecord[]>()) {
        const first = publishedAt.get(doc._id) ?? doc.publishedAt!.getTime();
        expect(doc.publishedAt!.getTime(), `${round}: ${doc._id} published once`).to.equal(first);
        publishedAt.set(doc._id, first);
      }
      return after.progress;
    };

    let killedMidway = 0;
    for (let round = 1; round <= KILLED_ROUNDS; round += 1) {
      worker = startWorker();
      await worker.steps(random(1, 14));
      await new Promise((resolve) => setTimeout(resolve, random(0, 25)));
      await worker.kill();
      if (!worker.done()) killedMidway += 1;
      await recover(`round ${round}`);
    }
    expect(killedMidway, 'kills landed while the worker was at work').to.be.greaterThan(KILLED_ROUNDS / 2);

    // A last worker runs to the end: everything is published, each once.
    worker = startWorker();
    const { code } = await worker.exited;
    expect(code, worker.output()).to.equal(0);
    const progress = await recover('final');
    expect([...progress.values()].every((step) => step === 3), 'every inspection published').to.equal(true);
    expect(progress.size).to.equal(CLONES + world.inspections.length);
    expect(await AuditEvent.countDocuments({ 'target.type': 'inspection', action: 'inspection.publish' })).to.equal(progress.size);
    // What the kills left behind, for the record (random: not every run sees both).
    process.stderr.write(`      [crash] ${killedMidway} kills mid-work; left for recovery: ${[...seen].join(', ') || 'nothing'}\n`);
  });

  it('the inspections job (every minute and at start-up) publishes due results, appends owed audit entries, recreates missing inspections and purges old check lookups', async () => {
    world = await lockedDraw();
    const job = inspectionsJob(world.settings);
    expect(job.runOnStart).to.equal(true);
    expect(cron.validate(job.schedule)).to.equal(true);
    const [one, two] = world.inspections as [InspectionRecord, InspectionRecord];
    await submitted(world, one);
    await reviewInspection(one._id, { decision: 'approve', publishAt: new Date('2026-07-25T02:00:00Z') }, world.chen, world.settings);
    // A change whose process died before its audit entry was appended: the entry waits in the outbox.
    const owed = { id: `${two._id}#${two.version + 1}`, action: 'inspection.test_owed', actor: world.chen.actor, after: { inspection: two._id }, at: world.clock.now() };
    await Inspection.updateOne({ _id: two._id }, { $set: { outboxPending: true }, $inc: { version: 1 }, $push: { outbox: owed } });
    const lost = world.inspections[4]!;
    await Inspection.deleteOne({ _id: lost._id });
    await CheckLookup.create({ address: '192.0.2.1', at: new Date('2026-07-20T00:00:00Z') });
    world.clock.set('2026-07-25T02:00:01Z');
    await CheckLookup.create({ address: '192.0.2.1', at: world.clock.now() });
    await job.run();
    expect((await Inspection.findById(one._id).lean<InspectionRecord>())!.state).to.equal('published');
    expect(await AuditEvent.countDocuments({ 'target.id': two._id, action: 'inspection.test_owed' })).to.equal(1);
    expect((await Inspection.findById(two._id).lean<InspectionRecord>())!.outbox).to.deep.equal([]);
    expect(await Inspection.countDocuments({ _id: lost._id })).to.equal(1);
    expect(await CheckLookup.countDocuments(), 'only the lookup still in its window is kept').to.equal(1);
    await job.run(); // again: nothing more
    expect(await AuditEvent.countDocuments({ 'target.id': one._id, action: 'inspection.publish' })).to.equal(1);
  });
});
