// Hot pages at county scale: 100,000 entities and 2,000 inspectors (PAGES_BENCH_ENTITIES,
// PAGES_BENCH_INSPECTORS) loaded through the demo-world loader, the real app listening on
// loopback, and p50/p95 of the pages people open most — the home page, a filtered entity list
// at page 2, an entity's page, the public inspector lookup and the item list — measured one
// request at a time over HTTP with a signed-in admin where the page needs one.
//
// The same run measures the embedded default server and FerretDB (or only MONGODB_URI when set)
// and prints the ratio FerretDB/default per page. Target on the default: p95 < 300 ms on every
// page. FerretDB scans every collection in Go, so its pages take seconds: each page there is
// sampled at least 3 times and for at most PAGES_BENCH_BUDGET_S seconds (default 60).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase, disconnectDatabase } from '../server/db/connect.js';
import { describeKind, startThrowawayServer, type EmbeddedKind } from '../server/db/embedded.js';
import { DEMO_DEPARTMENTS, generateEntity, generateInspectors, type WorldOptions } from '../server/demo/generate-world.js';
import { HONGJIANG } from '../server/demo/names.js';
import { loadWorld } from '../server/demo/load-world.js';
import { createAdmin } from '../server/auth/users.js';
import { createLogger } from '../server/logger.js';
import { refreshRosterFigures, settleRosterFigures } from '../server/rosters/roster-figures.js';
import { benchServerOptions, printTable, timed } from './bench-kit.js';

const ENTITIES = Number(process.env.PAGES_BENCH_ENTITIES ?? 100_000);
const INSPECTORS = Number(process.env.PAGES_BENCH_INSPECTORS ?? 2000);
const SAMPLES = Number(process.env.PAGES_BENCH_SAMPLES ?? 60);
const BUDGET_MS = Number(process.env.PAGES_BENCH_BUDGET_S ?? 60) * 1000;
const TARGET_P95_MS = 300;
const WORLD: WorldOptions = { seed: 'pages-bench', entities: ENTITIES, inspectors: INSPECTORS, asOf: '2026-11-27' };
const ADMIN = { username: 'bench-admin', password: 'Bench-admin-passphrase-1' };
const log = (message: string) => process.stdout.write(`${message}\n`);

interface PageSpec {
  name: string;
  signedIn: boolean;
  /** The i-th request's path (varied where the page takes a key, so no answer is reused). */
  path: (i: number) => string;
}

/** Spread-out entity codes and inspector surnames, from the same generator that loaded them. */
function pageSpecs(): PageSpec[] {
  const codes = Array.from({ length: 97 }, (_, i) => generateEntity(WORLD, Math.floor(((i * 7919) % 97) * (ENTITIES / 97))).creditCode);
  const surnames = [...new Set(generateInspectors(WORLD).map((inspector) => inspector.name.charAt(0)))];
  const township = encodeURIComponent(HONGJIANG.townships[0] as string);
  return [
    { name: 'home /', signedIn: false, path: () => '/' },
    { name: `/admin/entities?status=存续&region=…&page=2`, signedIn: true, path: () => `/admin/entities?status=${encodeURIComponent('存续')}&region=${township}&page=2` },
    { name: '/admin/entities/:creditCode', signedIn: true, path: (i) => `/admin/entities/${codes[i % codes.length]}` },
    { name: '/inspectors?name=<surname>', signedIn: false, path: (i) => `/inspectors?name=${encodeURIComponent(surnames[i % surnames.length] as string)}` },
    { name: '/items', signedIn: false, path: () => '/items' },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

class Client {
  private cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async get(path: string, withCookies = true): Promise<{ status: number; text: string }> {
    const res = await fetch(this.baseUrl + path, { redirect: 'manual', headers: withCookies ? this.cookieHeader() : {} });
    if (withCookies) this.keep(res);
    return { status: res.status, text: await res.text() };
  }

  async signIn(username: string, password: string): Promise<void> {
    const form = await this.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    if (!csrf) throw new Error('no CSRF field on /login');
    const res = await fetch(`${this.baseUrl}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
    });
    this.keep(res);
    await res.text();
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = (pair as string).indexOf('=');
      this.cookies.set((pair as string).slice(0, at), (pair as string).slice(at + 1));
    }
  }
}

interface PageResult { n: number; p50: number; p95: number }
interface ServerResult { label: string; loadSeconds: number; firstHomeMs: number; recountMs: number; pages: Map<string, PageResult> }

async function measurePage(client: Client, spec: PageSpec): Promise<PageResult> {
  await client.get(spec.path(SAMPLES), spec.signedIn); // warm-up (JIT, connection pool, server caches)
  const times: number[] = [];
  const started = Date.now();
  while (times.length < SAMPLES && (times.length < 3 || Date.now() - started < BUDGET_MS)) {
    const path = spec.path(times.length);
    const { result, seconds } = await timed(() => client.get(path, spec.signedIn));
    if (result.status !== 200) throw new Error(`${path} answered ${result.status}`);
    times.push(seconds * 1000);
  }
  times.sort((a, b) => a - b);
  return { n: times.length, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

function listen(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const app = createApp({ config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'), timeZone: 'Asia/Shanghai' });
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => resolve({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
    }));
  });
}

async function measureServer(label: string, uri: string): Promise<ServerResult> {
  await connectDatabase(uri);
  await mongoose.connection.db!.dropDatabase();
  await connectDatabase(uri); // recreate collections and indexes after the drop
  log(`[${label}] loading ${ENTITIES.toLocaleString('en-US')} entities and ${INSPECTORS.toLocaleString('en-US')} inspectors…`);
  const load = await timed(() => loadWorld(WORLD));
  log(`[${label}] loaded in ${load.seconds.toFixed(1)} s`);
  await createAdmin({ ...ADMIN, displayName: '基准测试管理员', departmentCode: DEMO_DEPARTMENTS[0].code });
  const http = await listen();
  try {
    const client = new Client(http.baseUrl);
    await client.signIn(ADMIN.username, ADMIN.password);
    // The very first home page view on a database counts the rosters while the visitor waits;
    // every later one reads the kept figures (server/rosters/roster-figures.ts).
    const first = await timed(() => client.get('/', false));
    await settleRosterFigures();
    const pages = new Map<string, PageResult>();
    for (const spec of pageSpecs()) {
      const result = await measurePage(client, spec);
      log(`[${label}] ${spec.name}: n=${result.n} p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`);
      pages.set(spec.name, result);
    }
    await settleRosterFigures();
    // What a background recount costs (at most once a minute per app instance, only when the
    // home page is visited, or after a use case marked the figures stale).
    const recount = await timed(() => refreshRosterFigures());
    return { label, loadSeconds: load.seconds, firstHomeMs: first.seconds * 1000, recountMs: recount.seconds * 1000, pages };
  } finally {
    await http.close();
    await mongoose.connection.db?.dropDatabase();
    await disconnectDatabase();
  }
}

async function onEmbedded(kind: EmbeddedKind | undefined): Promise<ServerResult> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const server = await startThrowawayServer({ ...benchServerOptions(config, kind), dbName: 'bench_pages' });
  try {
    return await measureServer(kind ? describeKind(server.kind) : `${describeKind(server.kind)} (${config.EMBEDDED_DB ? 'EMBEDDED_DB' : 'default'})`, server.uri);
  } finally {
    await server.stop();
  }
}

const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));

const results: ServerResult[] = [];
const external = loadConfig({ ...process.env, NODE_ENV: 'test' }).MONGODB_URI;
// The default (or EMBEDDED_DB) first, then FerretDB for the ratio, unless the first was FerretDB.
if (external) {
  const url = new URL(external);
  url.pathname = '/bench_pages';
  results.push(await measureServer('MONGODB_URI', url.toString()));
} else {
  results.push(await onEmbedded(undefined));
  if (!results[0]!.label.startsWith('ferretdb')) results.push(await onEmbedded('ferretdb'));
}

const [main, other] = results as [ServerResult, ServerResult | undefined];
printTable(pageSpecs().map((spec) => {
  const a = main.pages.get(spec.name) as PageResult;
  const b = other?.pages.get(spec.name);
  return {
    page: spec.name,
    [`${main.label} p50 ms`]: ms(a.p50), [`${main.label} p95 ms`]: ms(a.p95),
    ...(other ? { [`${other.label} p50 ms`]: ms(b?.p50), [`${other.label} p95 ms`]: ms(b?.p95), 'ratio p95': b ? (b.p95 / a.p95).toFixed(1) : '—' } : {}),
    [`p95 < ${TARGET_P95_MS} ms`]: a.p95 < TARGET_P95_MS ? 'yes' : 'NO',
  };
}));
for (const r of results) log(`${r.label}: load ${r.loadSeconds.toFixed(1)} s; first home view (counts once) ${r.firstHomeMs.toFixed(0)} ms; background recount ${r.recountMs.toFixed(0)} ms; samples per page ${[...r.pages.values()].map((p) => p.n).join('/')}`);
const missed = [...main.pages].filter(([, r]) => r.p95 >= TARGET_P95_MS).map(([name]) => name);
log(missed.length ? `target missed on ${main.label}: ${missed.join(', ')}` : `target met on ${main.label}: every page p95 < ${TARGET_P95_MS} ms`);

