// The public result pages under concurrent load (issue 13, acceptance 5): an instance with
// 10,000 published results (PUBLIC_BENCH_RESULTS), `autocannon` against the results search and an
// entity page, each served three ways in the same run —
//   bare:     a route on the same app (same middleware) rendering the same template from
//             static data computed once: the ceiling of rendering alone;
//   cached:   the real route through publicCache(), the visitors' URLs repeating (one point
//             read of the generation counter per request, then the kept rendering);
//   uncached: the real route with every URL unique (a throwaway `_` parameter), so each
//             request queries the database and renders.
// Requests/s and latency p50/p99 for each, and the ratio against bare (target ≥ 0.5× cached).
//
// The results are bulk-inserted, but their `publication` is built the way review.ts builds it:
// publicationOf (exported from server/inspections/review.ts) on a real inspection shape, once
// per (task, result category), then given each entity's code, name and days — the same frozen
// fields a published inspection carries (plan, task, 定向/不定向, authority, per-item results).
// Corrections on 2% of them, a withdrawal on 0.5%. The app runs in a child process (this file
// with PUBLIC_BENCH_ROLE=app) so that autocannon does not share its event loop; both share the
// machine with the database server. The child runs with NODE_ENV=production, as a deployment
// does, so Express keeps compiled templates (without it EJS compiles every template per render).
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Router } from 'express';
import mongoose from 'mongoose';
import { Inspection, type InspectionRecord } from '../models/inspection.js';
import { Plan } from '../models/plan.js';
import { Task } from '../models/task.js';
import { createApp } from '../server/app.js';
import { DEFAULT_ITEMS, DEFAULT_RESULT_CATEGORIES } from '../server/catalog/defaults.js';
import { connectDatabase, disconnectDatabase } from '../server/db/connect.js';
import { DEMO_DEPARTMENTS, generateEntity, type WorldOptions } from '../server/demo/generate-world.js';
import { loadDefaults } from '../server/demo/load-world.js';
import { renderForm } from '../server/http/forms.js';
import { pageHref } from '../server/http/pagination.js';
import { publicationOf } from '../server/inspections/review.js';
import { inspectionSettingsFrom } from '../server/inspections/settings.js';
import { createLogger } from '../server/logger.js';
import { entityResults, resultsQuery, searchResults } from '../server/results/search.js';
import { departmentOptions } from '../server/rosters/departments.js';
import { listPublicItems } from '../server/rosters/public-items.js';
import { MOUNTS } from '../server/features.js';
import { mount } from '../server/routes/mount.js';
import { DictionaryEntry } from '../models/dictionary-entry.js';
import { benchDatabase, printTable, timed } from './bench-kit.js';

const RESULTS = Number(process.env.PUBLIC_BENCH_RESULTS ?? 10_000);
const SECONDS = Number(process.env.PUBLIC_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.PUBLIC_BENCH_CONNECTIONS ?? 10);
const TARGET = 0.5;
const TIME_ZONE = 'Asia/Shanghai';
const WORLD: WorldOptions = { seed: 'public-bench', entities: RESULTS, inspectors: 0, asOf: '2026-11-27' };
const log = (message: string) => process.stdout.write(`${message}\n`);

/** The search visitors run: part of a common name, the department filter, the first page. */
const SEARCH = { q: '商', department: 'HJ-SCJG' };
const searchPath = `/results?q=${encodeURIComponent(SEARCH.q)}&department=${SEARCH.department}`;

// ---- the data -------------------------------------------------------------------------------

const TASKS = [
  { number: 'HJSJ-2026-01', name: '2026年度企业公示信息双随机抽查', department: 'HJ-SCJG', targeting: '不定向', items: ['A02'] },
  { number: 'HJSJ-2026-02', name: '2026年度个体工商户年报抽查', department: 'HJ-SCJG', targeting: '不定向', items: ['A03'] },
  { number: 'HJSJ-2026-03', name: '2026年度餐饮服务食品安全定向抽查', department: 'HJ-SCJG', targeting: '定向', items: ['B02'] },
  { number: 'HJWJ-2026-01', name: '2026年度公共场所卫生双随机抽查', department: 'HJ-WJ', targeting: '不定向', items: ['A02'] },
];
/** Mostly 未发现问题, as in real publications. */
const CATEGORY_WEIGHTS: [string, number][] = [['R01', 70], ['R02', 8], ['R05', 8], ['R06', 4], ['R04', 3], ['R07', 3], ['R08', 2], ['R03', 1], ['R09', 1]];

function pick(i: number): string {
  let n = (i * 7919) % 100;
  for (const [code, weight] of CATEGORY_WEIGHTS) { if (n < weight) return code; n -= weight; }
  return 'R01';
}

const day = (base: string, plus: number) => new Date(Date.parse(`${base}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);

async function seed(): Promise<void> {
  await loadDefaults(); // departments, items, dictionaries
  const author = { userId: new mongoose.Types.ObjectId(), label: 'bench' };
  const planKey = new mongoose.Types.ObjectId().toHexString();
  await Plan.collection.insertOne({
    planKey, version: 1, year: 2026, number: '洪市监〔2026〕1号', name: '洪江区2026年度双随机、一公开抽查工作计划', leadDepartment: 'HJ-SCJG',
    participatingDepartments: ['HJ-WJ'], inspectionType: '日常', itemCodes: DEFAULT_ITEMS.map((i) => i.code), scope: '辖区内各类市场主体', ratios: [], batches: [],
    status: '执行中', publicationDeadline: new Date('2026-03-31T15:59:59Z'), publishedAt: new Date('2026-02-20T02:00:00Z'), createdBy: author, createdAt: new Date(), updatedAt: new Date(),
  });
  const tasks = TASKS.map((t) => ({ ...t, _id: new mongoose.Types.ObjectId() }));
  await Task.collection.insertMany(tasks.map((t) => ({ _id: t._id, number: t.number, name: t.name, planKey, departmentCode: t.department, targeting: t.targeting, inspectionType: '日常', status: '已完成', itemCodes: t.items })));
  const settings = inspectionSettingsFrom({ TIME_ZONE }, async () => ({ addWorkingDays: (d: string) => d, workingDaysBetween: () => 0 }));
  // One publication per (task, category), built by review.ts's own publicationOf.
  const templates = new Map<string, Record<string, unknown>>();
  for (const t of tasks) {
    for (const [code] of CATEGORY_WEIGHTS) {
      const shape = {
        _id: 'template', taskId: t._id, taskNumber: t.number, taskName: t.name, planKey, departmentCode: t.department, inspectionType: '日常',
        creditCode: '', entityName: '', resultCategory: code, resultOn: '2026-05-01', publishDueOn: '2026-05-29',
        findings: t.items.map((itemCode) => ({ itemCode, methods: ['书面检查'], resultCategory: code })),
      } as unknown as InspectionRecord;
      templates.set(`${t.number}|${code}`, (await publicationOf(shape, new Date('2026-05-20T02:00:00Z'), settings)).publication as Record<string, unknown>);
    }
  }
  const docs: Record<string, unknown>[] = [];
  for (let i = 0; i < RESULTS; i += 1) {
    const entity = generateEntity(WORLD, i);
    const task = tasks[i % tasks.length]!;
    const category = pick(i);
    const completedOn = day('2026-03-02', (i * 37) % 250);
    const publishedOn = day(completedOn, 3 + (i % 25));
    const publishDueOn = day(completedOn, 28);
    const publishedAt = new Date(`${publishedOn}T0${i % 10}:00:00+08:00`);
    const runKey = `${task._id.toHexString()}|2026-03-01T00:00:00.000Z|1`;
    const corrected = i % 50 === 7;
    docs.push({
      _id: `${runKey}|${entity.creditCode}`, runKey, entityRunKey: runKey, taskId: task._id, taskNumber: task.number, taskName: task.name, planKey,
      departmentCode: task.department, inspectionType: '日常', year: 2026, creditCode: entity.creditCode, entityName: entity.name, entityAddress: entity.address ?? '',
      itemCodes: task.items, team: ['T000001', 'T000002'], inspectionDate: completedOn, dueOn: day(completedOn, 30), state: i % 3 === 0 ? 'closed' : 'published', version: 12,
      findings: task.items.map((itemCode) => ({ itemCode, methods: ['书面检查'], resultCategory: category, problems: '', handling: '', followUp: 'F01', note: '' })),
      resultCategory: category, revision: 1, confirmations: [], resultOn: completedOn, publishDueOn, reviews: [], publishAt: publishedAt, publishedAt,
      publication: { ...templates.get(`${task.number}|${category}`), creditCode: entity.creditCode, entityName: entity.name, completedOn, publishedOn, publishDueOn },
      corrections: corrected ? [{ at: new Date(publishedAt.getTime() + 86_400_000), by: { kind: 'user', label: 'bench' }, reason: '复核更正', changes: { resultCategory: { from: category, to: 'R05', label: '发现问题已责令改正' } } }] : [],
      ...(i % 200 === 11 ? { withdrawal: { at: new Date(publishedAt.getTime() + 86_400_000), by: { kind: 'user', label: 'bench' }, reason: '撤回' } } : {}),
      recusals: [], outbox: [], abnormalListHandoff: false, visit: 1, createdAt: publishedAt, updatedAt: publishedAt,
    });
    if (docs.length === 1000) await Inspection.collection.insertMany(docs.splice(0));
  }
  if (docs.length) await Inspection.collection.insertMany(docs);
}

// ---- the app (child process) ----------------------------------------------------------------

/** The bare route: the same templates, from data computed once before the first request. */
async function bareMount() {
  const query = resultsQuery.parse(SEARCH);
  const [found, departments, items, categories] = await Promise.all([
    searchResults(query, TIME_ZONE), departmentOptions(), listPublicItems(undefined),
    DictionaryEntry.find({ dictionary: 'result_category' }).sort({ order: 1, code: 1 }).lean<{ code: string; label: string }[]>(),
  ]);
  const values = { q: SEARCH.q, department: SEARCH.department, item: '', result: '', from: '', to: '' };
  const searchLocals = {
    found, values, filtered: true, departments: departments.map((d) => ({ value: d.code, label: d.name })),
    items: items.map((i) => ({ value: i.code, label: `${i.code} ${i.name}` })), results: categories.map((e) => ({ value: e.code, label: e.label })),
  };
  const entity = await entityResults(generateEntity(WORLD, 1).creditCode, TIME_ZONE);
  return mount({
    path: '/bench-static',
    rules: { 'GET /results': 'public', 'GET /entity': 'public' },
    router: () => Router()
      .get('/results', (_req, res) => renderForm(res, 'results/list', { ...searchLocals, pageHref: (page: number) => pageHref('/results', values, page) }))
      .get('/entity', (_req, res) => { res.render('results/entity', { entity }); }),
  });
}

async function runApp(uri: string): Promise<void> {
  await connectDatabase(uri);
  const app = createApp({
    config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'), timeZone: TIME_ZONE,
    mounts: [...MOUNTS, await bareMount()],
  });
  const server: Server = app.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', async () => {
    server.closeAllConnections();
    server.close();
    await disconnectDatabase();
    process.exit(0);
  });
}

// ---- the load -------------------------------------------------------------------------------

interface Run { label: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }

async function load(label: string, base: string, paths: (i: number) => string): Promise<Run> {
  let n = 0;
  const result = await autocannon({
    url: base, connections: CONNECTIONS, duration: SECONDS,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths(n++) }) }],
  });
  return { label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const db = await benchDatabase('bench_public');
  let child: ChildProcess | undefined;
  try {
    await connectDatabase(db.uri);
    await mongoose.connection.db!.dropDatabase();
    await connectDatabase(db.uri);
    log(`[${db.kind}] inserting ${RESULTS.toLocaleString('en-US')} published results…`);
    const seeded = await timed(seed);
    log(`[${db.kind}] seeded in ${seeded.seconds.toFixed(1)} s`);
    await disconnectDatabase();

    child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, PUBLIC_BENCH_ROLE: 'app', PUBLIC_BENCH_URI: db.uri, NODE_ENV: 'production' }, execArgv: ['--import', 'tsx'] });
    const port = await new Promise<number>((resolve, reject) => {
      child!.once('message', (m) => resolve((m as { port: number }).port));
      child!.once('exit', (code) => reject(new Error(`app exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const codes = Array.from({ length: 50 }, (_, i) => generateEntity(WORLD, 1 + ((i * 197) % RESULTS)).creditCode);
    // The first entity page is the one the bare route renders; cached runs cycle through a few.
    const check = await fetch(`${base}${searchPath}`);
    const body = await check.text();
    if (check.status !== 200 || !body.includes('data-result=')) throw new Error(`the search answered ${check.status} without results`);
    for (const code of codes) await fetch(`${base}/entities/${code}`).then((r) => { if (r.status !== 200) throw new Error(`/entities/${code} answered ${r.status}`); return r.text(); });

    for (const path of ['/bench-static/results', '/bench-static/entity']) for (let i = 0; i < 20; i += 1) await fetch(base + path).then((r) => r.text()); // warm-up
    const runs: Run[] = [];
    let unique = 0;
    for (const page of ['search', 'entity'] as const) {
      const bare = page === 'search' ? '/bench-static/results' : '/bench-static/entity';
      const real = (i: number) => (page === 'search' ? searchPath : `/entities/${codes[i % codes.length]}`);
      runs.push(await load(`${page} bare`, base, () => bare));
      runs.push(await load(`${page} cached`, base, real));
      runs.push(await load(`${page} uncached`, base, (i) => `${real(i)}${page === 'search' ? '&' : '?'}_=${unique++}`));
      for (const r of runs.slice(-3)) log(`${r.label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${r.errors || r.non2xx ? ` (errors ${r.errors}, non-2xx ${r.non2xx})` : ''}`);
    }
    const bareOf = (label: string) => runs.find((r) => r.label === `${label.split(' ')[0]} bare`)!.rps;
    printTable(runs.map((r) => ({
      run: r.label, 'req/s': r.rps.toFixed(0), 'p50 ms': r.p50, 'p99 ms': r.p99, 'vs bare': (r.rps / bareOf(r.label)).toFixed(2),
      ...(r.label.endsWith('cached') && !r.label.endsWith('uncached') ? { [`≥ ${TARGET}×`]: r.rps / bareOf(r.label) >= TARGET ? 'yes' : 'NO' } : {}),
    })));
    log(`${db.kind}, ${RESULTS.toLocaleString('en-US')} published results, ${CONNECTIONS} connections, ${SECONDS} s per run`);
    if (runs.some((r) => r.errors || r.non2xx)) throw new Error('some requests failed');
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.send('stop');
      await exited;
    }
    await disconnectDatabase();
    await db.stop();
  }
}

if (process.env.PUBLIC_BENCH_ROLE === 'app') await runApp(process.env.PUBLIC_BENCH_URI!);
else await main();
