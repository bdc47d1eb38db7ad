// End-to-end draw benchmark: a scheduled task over a 100,000-entity pool on the embedded
// database (or MONGODB_URI), through the same use cases the draw job calls — announce (pool
// freeze: read + engine + chunk writes) and draw (source fetch from a local relay, claim,
// engine, drawn-list writes). The pool read is compared with a raw-driver cursor over the same
// query and projection in the same run (target ≤ 1.3×). DRAW_E2E_ENTITIES changes the size.
// A missed target prints ✗ and exits 0 unless BENCH_STRICT=1.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../server/db/connect.js';
import { InspectionItem, Inspector, MarketEntity, Task } from '../models/index.js';
import { PROJECT_ROOT } from '../server/paths.js';
import { freezeAnnouncement } from '../server/draw/index.js';
import { announceSlot, gather, isoSeconds } from '../server/plans/announce.js';
import { computeRecord, drawAnnouncement, runRandomness } from '../server/plans/draws.js';
import { poolFilter, readPool } from '../server/plans/pool.js';
import { createPlan, publishPlan } from '../server/plans/plans.js';
import { createTask } from '../server/plans/tasks.js';
import { defaultDrawSettings } from '../server/plans/settings.js';
import type { Acting } from '../server/plans/acting.js';
import { benchDatabase, peakRssMiB, printTable, serverPeakRssMiB, timed } from './bench-kit.js';
import { generatePool } from './draw.bench.js';

const N = Number(process.env.DRAW_E2E_ENTITIES ?? 100_000);
const TARGET = 1.3;

async function seed(): Promise<void> {
  const pool = generatePool(N);
  const docs = pool.map((e, i) => ({
    creditCode: e.creditCode, name: `企业${i}`, type: '企业', status: e.status, region: e.region, industry: e.industry!.slice(0, 1), riskClass: e.riskClass,
    specialRosters: (e.specialRosters ?? []).map((roster) => ({ roster })), ...(e.lastInspectedOn ? { lastInspectedOn: new Date(`${e.lastInspectedOn}T00:00:00+08:00`) } : {}),
    active: true, abnormalOperation: false,
  }));
  for (let i = 0; i < docs.length; i += 10_000) await MarketEntity.collection.insertMany(docs.slice(i, i + 10_000));
  await Inspector.collection.insertMany(Array.from({ length: 400 }, (_, i) => ({
    inspectorId: `B${String(i).padStart(6, '0')}`, name: `检查员${i}`, departmentCode: 'HJ-SCJG', status: '有效', qualifications: [], conflicts: [],
    certificates: [{ number: `C${i}`, validFrom: new Date('2024-01-01'), validUntil: new Date('2029-01-01') }],
  })));
  await InspectionItem.create({ code: 'A01', name: '登记事项检查', departmentCode: 'HJ-SCJG', active: true });
}

/** A local drand relay serving the recorded round 30662992 (2026-07-23T07:39:00Z). */
async function relay(): Promise<{ url: string; close: () => void }> {
  const rounds = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/draw/drand-quicknet.json'), 'utf8')) as { rounds: { round: number; signature: string; randomness: string }[] }).rounds;
  const server = createServer((req, res) => {
    const r = rounds.find((x) => req.url?.endsWith(`/public/${x.round}`));
    if (!r) res.writeHead(425).end();
    else res.writeHead(200).end(JSON.stringify(r));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

async function main(): Promise<void> {
  const db = await benchDatabase(`bench_draw_e2e_${process.pid}`);
  await connectDatabase(db.uri);
  const fake = await relay();
  try {
    console.log(`seeding ${N.toLocaleString('en')} entities on ${db.kind}…`);
    await seed();
    let t = Date.parse('2026-07-23T07:38:00Z');
    const settings = defaultDrawSettings({ now: () => new Date(t), drandRelays: [fake.url], timeZone: 'Asia/Shanghai' });
    const chen: Acting = { actor: { kind: 'user', userId: new Types.ObjectId(), label: 'bench' }, role: 'supervisor', departmentCode: 'HJ-SCJG' };
    const plan = await createPlan({ year: 2026, number: 'B-1', name: 'bench', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: ['A01'] }, chen);
    await publishPlan(plan.planKey, chen);
    const regions = [...new Set(generatePool(2000).map((e) => e.region!))];
    const task = await createTask({
      number: 'B-T1', name: 'bench task', planKey: plan.planKey, itemCodes: ['A01'], targeting: '不定向', inspectionType: '日常', inspectionDate: '2026-07-24',
      strata: regions.flatMap((region) => (['A', 'B', 'C', 'D'] as const).map((risk) => ({ id: `${region}-${risk}`, where: { region: [region], riskClass: [risk] }, quota: { ratioPpm: 30_000 }, alternates: 3 }))),
      schedule: { at: new Date('2026-07-23T07:39:00Z') }, repeatWindowDays: 365, assignment: { teamSize: 2, maxAssignmentsPerInspector: 30 },
    }, chen);
    const taskDoc = (await Task.findById(task._id).lean())!;

    // The pool read: the app's reader against the raw driver over the same query, alternated.
    const raw = async () => { let n = 0; for await (const d of MarketEntity.collection.find(poolFilter({}), { projection: { _id: 0, creditCode: 1, name: 1, status: 1, riskClass: 1, industry: 1, region: 1, specialRosters: 1, lastInspectedOn: 1 }, batchSize: 5000 })) if (d) n += 1; return n; };
    const rawTimes: number[] = [];
    const appTimes: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      rawTimes.push((await timed(raw)).seconds);
      appTimes.push((await timed(() => readPool({}, settings.timeZone))).seconds);
    }
    const best = (xs: number[]) => Math.min(...xs);
    const ratio = best(appTimes) / best(rawTimes);

    const read = await timed(() => gather(taskDoc, taskDoc.schedule!.at!, 1, settings));
    const g = read.result;
    const engineFreeze = await timed(async () => freezeAnnouncement({
      taskId: g.taskId, announcedAt: isoSeconds(Math.floor(t / 1000)), inspectionDate: g.inspectionDate, pool: g.pool, strata: g.strata,
      exclusions: { repeatWindowDays: 365, atCap: g.atCap.map((c) => c.creditCode) }, ...(g.assignment ? { assignment: g.assignment } : {}),
      randomness: { entities: [{ type: 'drand', chain: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971', round: 30662992, time: '2026-07-23T07:39:00Z' }], inspectors: null, commitment: null },
    }));
    const announce = await timed(() => announceSlot(taskDoc, taskDoc.schedule!.at!, chen, settings));
    t = Date.parse('2026-07-23T07:39:01Z');
    const drawn = await timed(() => drawAnnouncement(announce.result, chen, settings, 'schedule'));
    const outcome = drawn.result;
    if (outcome.state !== 'complete') throw new Error(`the draw did not complete: ${JSON.stringify(outcome)}`);
    const engineDraw = await timed(() => computeRecord(announce.result, runRandomness(outcome.run)));
    const selected = engineDraw.result.record.strata.reduce((n, s) => n + s.selected.length, 0);
    const freezeWrites = announce.seconds - read.seconds - engineFreeze.seconds;
    const drawWrites = drawn.seconds - engineDraw.seconds;
    const s = (x: number) => x.toFixed(2);
    printTable([
      { phase: 'pool read: raw driver cursor (best of 3)', seconds: s(best(rawTimes)), note: `${N} entities` },
      { phase: 'pool read: app reader (best of 3)', seconds: s(best(appTimes)), note: `${ratio.toFixed(2)}× raw ${ratio <= TARGET ? '✓' : '✗'} (target ≤ ${TARGET}×)` },
      { phase: 'freeze: read pool, caps, roster', seconds: s(read.seconds), note: `${g.pool.length} entities, ${g.roster?.length ?? 0} inspectors` },
      { phase: 'freeze: engine (digests, figures)', seconds: s(engineFreeze.seconds), note: `${g.strata.length} strata` },
      { phase: 'freeze: writes (chunks, announcement) ≈', seconds: s(Math.max(0, freezeWrites)), note: `${announce.result.poolChunks} pool chunks; whole announce ${s(announce.seconds)} s` },
      { phase: 'draw: engine (chunks read + draw)', seconds: s(engineDraw.seconds), note: `${selected} selected, teams of 2` },
      { phase: 'draw: fetch, claim, writes ≈', seconds: s(Math.max(0, drawWrites)), note: `whole draw ${s(drawn.seconds)} s` },
      { phase: 'peak RSS (MiB)', seconds: String(peakRssMiB()), note: `database server: ${db.pid ? serverPeakRssMiB(db.pid) : 'external'}` },
    ]);
    if (ratio > TARGET && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    fake.close();
    await disconnectDatabase();
    await db.stop();
  }
}

await main();
