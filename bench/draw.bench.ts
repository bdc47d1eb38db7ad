// Draw engine benchmark: a provincial-scale draw — 5,000,000 entities in 60 strata (15 regions ×
// 4 risk classes), a 3% sample with alternates, 2,000 inspectors — generated deterministically.
// Times each phase, the whole draw with the pure-JS and the native SHA-256, and compares the
// unbiased selection (rejection sampling) with a naive biased baseline using
// Math.floor(rng() * n) on the same generator. Target: whole draw < 10 s, ratio ≤ 2×.
// A missed target prints ✗ and still exits 0 (timings depend on the machine and its load);
// BENCH_STRICT=1 makes a missed target exit 1. Errors (e.g. the two draws disagreeing) exit 1.
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { assignTeams } from '../server/draw/assign.js';
import { draw } from '../server/draw/draw.js';
import { nobleSha256 } from '../server/draw/hash.js';
import { nodeSha256 } from '../server/draw/node-sha256.js';
import { digestScan } from '../server/draw/pool-digest.js';
import { sortRecords } from '../server/draw/pool-order.js';
import { entityAt, scanPool } from '../server/draw/pool-scan.js';
import { buildRoster } from '../server/draw/roster.js';
import { resolveSeed } from '../server/draw/seed.js';
import { selectStrata } from '../server/draw/select.js';
import { classify, compileStrata, type Classification } from '../server/draw/strata.js';
import { openStream, type Stream } from '../server/draw/stream.js';
import type { AssignmentInput, DrawInput, EntityInput, InspectorInput, RiskClass, StratumInput } from '../server/draw/types.js';

const N = Number(process.env.DRAW_BENCH_ENTITIES ?? 5_000_000);
const INSPECTORS = 2_000;
const RATIO = 0.03;
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const VALUE = new Int8Array(128);
for (let v = 0; v < ALPHABET.length; v += 1) VALUE[ALPHABET.charCodeAt(v)] = v;
const REGIONS = Array.from({ length: 15 }, (_, i) => String(430102 + i * 100));
const INDUSTRIES = Array.from({ length: 40 }, (_, i) => `${'ABCDEFGHIJ'[i % 10]}${10 + i}`);
const RISK: RiskClass[] = ['A', 'A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'D'];
const ROSTERS = [['食品生产'], ['餐饮'], ['药品经营'], ['特种设备使用', '餐饮']];
const DATES = ['2024-03-01', '2024-09-15', '2025-01-20', '2025-05-05'];

/** xorshift32: fast deterministic data generation (not the draw's randomness). */
function dataRng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

export function generatePool(n: number): EntityInput[] {
  const rnd = dataRng(20250701);
  const pool: EntityInput[] = new Array(n);
  const chars = new Array<number>(18);
  for (let i = 0; i < n; i += 1) {
    const region = REGIONS[rnd(REGIONS.length)]!;
    chars[0] = 57; chars[1] = 49; // "91"
    for (let k = 0; k < 6; k += 1) chars[2 + k] = region.charCodeAt(k);
    // Unique: five characters are a bijection of i (7919 is coprime with 31^5); four are noise.
    let u = (i * 7919 + 12345) % 28_629_151;
    for (let k = 12; k >= 8; k -= 1) { chars[k] = ALPHABET.charCodeAt(u % 31); u = Math.floor(u / 31); }
    for (let k = 13; k < 17; k += 1) chars[k] = ALPHABET.charCodeAt(rnd(31));
    let sum = 0;
    for (let k = 0; k < 17; k += 1) sum += VALUE[chars[k]!]! * WEIGHTS[k]!;
    chars[17] = ALPHABET.charCodeAt((31 - (sum % 31)) % 31);
    const e: EntityInput = {
      creditCode: String.fromCharCode(...chars),
      status: rnd(100) < 95 ? '存续' : rnd(2) ? '注销' : '吊销',
      riskClass: RISK[rnd(RISK.length)]!,
      industry: INDUSTRIES[rnd(INDUSTRIES.length)]!,
      region,
    };
    if (rnd(100) < 5) e.specialRosters = ROSTERS[rnd(ROSTERS.length)]!;
    if (rnd(100) < 10) e.lastInspectedOn = DATES[rnd(DATES.length)]!;
    if (rnd(100) < 2) e.addressKey = `ADDR-${rnd(50_000)}`;
    pool[i] = e;
  }
  return pool;
}

export function generateAssignment(pool: EntityInput[]): AssignmentInput {
  const rnd = dataRng(42);
  const inspectors: InspectorInput[] = Array.from({ length: INSPECTORS }, (_, i) => ({
    id: `43${String(i).padStart(6, '0')}`,
    department: `D${rnd(10)}`,
    status: rnd(100) < 3 ? '失效' : '有效',
    certificates: [{ validFrom: '2022-01-01', validUntil: rnd(100) < 5 ? '2025-06-30' : '2028-12-31' }],
    qualifications: rnd(100) < 5 ? [] : ['行政执法证'],
    conflicts: Array.from({ length: rnd(4) }, () => pool[rnd(pool.length)]!.creditCode),
    ...(rnd(100) < 5 ? { addressKey: `ADDR-${rnd(50_000)}` } : {}),
  }));
  return {
    inspectors, teamSize: 2, maxAssignmentsPerInspector: 250,
    requiredQualifications: ['行政执法证'], allowedDepartments: ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7'],
  };
}

export function strata(): StratumInput[] {
  return REGIONS.flatMap((region) => (['A', 'B', 'C', 'D'] as const).map((risk) => ({
    id: `${region}-${risk}`, where: { region: [region], riskClass: [risk] }, quota: { ratio: RATIO }, alternates: 5,
  })));
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Best of `reps` runs, each on a fresh copy of the members (copying is not timed). */
function bestOf(reps: number, cls: Classification, run: (c: Classification) => void): number {
  let best = Infinity;
  for (let r = 0; r < reps; r += 1) {
    const fresh = { ...cls, members: cls.members.slice() };
    best = Math.min(best, time(() => run(fresh)).ms);
  }
  return best;
}

/**
 * The naive baseline: the engine's own selectStrata, given streams whose below(n) is
 * floor(rng() * n) on the same xor4096 generator — the only difference is the integer method.
 */
function biasedStream(seedHex: string): Stream {
  const rng = seedrandom.xor4096(seedHex);
  return { nextUint32: () => rng.int32() >>> 0, below: (n: number) => Math.floor(rng() * n) };
}

function main(): void {
  const gen = time(() => generatePool(N));
  const pool = gen.value;
  const baselineRss = process.memoryUsage().rss;
  const assignment = generateAssignment(pool);
  const input: DrawInput = {
    taskId: 'BENCH-2025', inspectionDate: '2025-07-01',
    seed: { sources: [{ numbers: [3, 1, 4, 1, 5] }, { values: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'] }] },
    pool, strata: strata(), exclusions: { repeatWindowDays: 365 }, assignment,
  };
  // Whole draws first, on a clean heap: the phase-by-phase runs below keep their large
  // intermediate arrays alive, which would slow later measurements through extra GC work.
  const wholeNative = time(() => draw(input, { sha256: nodeSha256 }));
  const wholeJs = time(() => draw(input));
  const key = resolveSeed(input.taskId, input.seed, 'entities', nobleSha256).derivedKey;
  const inspectorKey = resolveSeed(input.taskId, input.seed, 'inspectors', nobleSha256).derivedKey;

  const scan = time(() => scanPool(pool, compileStrata(input.strata), '2024-07-01'));
  const records = scan.value.records.slice(); // sortRecords may overwrite its input
  const sorted = time(() => sortRecords(records, pool, (entry) => entityAt(scan.value.lines, entry)));
  const order = { value: new Uint32Array(pool.length) };
  const digestJs = time(() => digestScan(scan.value, sorted.value, nobleSha256));
  const digestNative = time(() => digestScan(scan.value, sorted.value, nodeSha256, order.value));
  if (digestJs.value !== digestNative.value) throw new Error('digest mismatch between hash implementations');
  const cls = time(() => classify(scan.value, order.value, input.strata.length));
  const unbiased = bestOf(10, cls.value, (c) => selectStrata(pool, order.value, input.strata, c, key, nobleSha256));
  const biased = bestOf(10, cls.value, (c) => selectStrata(pool, order.value, input.strata, c, key, nobleSha256, biasedStream));
  const selection = selectStrata(pool, order.value, input.strata, { ...cls.value, members: cls.value.members.slice() }, key, nobleSha256);
  const roster = buildRoster(assignment, input.inspectionDate);
  const assign = time(() => assignTeams(
    { roster, assignment, pool, order: order.value, derivedKey: inspectorKey, sha: nobleSha256 },
    selection.selected, (i) => input.strata[selection.selectedStratum[i]!]!.id,
  ));

  // Integer draws alone: rejection sampling vs floor(rng() * n), same generator, 10M calls.
  const CALLS = 10_000_000;
  const stream = openStream('ab'.repeat(32));
  const intUnbiased = time(() => { let s = 0; for (let i = 0; i < CALLS; i += 1) s += stream.below(1_000_003 + (i & 1023)); return s; });
  const prng = seedrandom.xor4096('ab'.repeat(32));
  const intBiased = time(() => { let s = 0; for (let i = 0; i < CALLS; i += 1) s += Math.floor(prng() * (1_000_003 + (i & 1023))); return s; });

  const selected = selection.selected.length;

  const rows: Array<[string, string]> = [
    ['entities / strata / inspectors', `${N.toLocaleString('en')} / ${input.strata.length} / ${INSPECTORS}`],
    ['selected (3%) / teams', `${selected.toLocaleString('en')} / ${assign.value.length.toLocaleString('en')}`],
    ['generate pool (not part of the draw)', `${gen.ms.toFixed(0)} ms`],
    ['scan: validate, pack codes, encode, classify', `${scan.ms.toFixed(0)} ms`],
    ['canonical order (radix sort of code records)', `${sorted.ms.toFixed(0)} ms`],
    ['pool digest, pure-JS SHA-256 (browser)', `${digestJs.ms.toFixed(0)} ms`],
    ['pool digest + input order, native SHA-256 (server)', `${digestNative.ms.toFixed(0)} ms`],
    ['group members by stratum', `${cls.ms.toFixed(0)} ms`],
    ['selection, unbiased (rejection), best of 10', `${unbiased.toFixed(1)} ms`],
    ['selection, biased baseline floor(rng()*n)', `${biased.toFixed(1)} ms`],
    ['  ratio unbiased / baseline (target ≤ 2×)', `${(unbiased / biased).toFixed(2)}× ${verdict(unbiased / biased <= 2)}`],
    ['10M integers: below(n) / floor(rng()*n)', `${intUnbiased.ms.toFixed(0)} / ${intBiased.ms.toFixed(0)} ms = ${(intUnbiased.ms / intBiased.ms).toFixed(2)}×`],
    ['inspector assignment', `${assign.ms.toFixed(0)} ms`],
    ['whole draw(), pure-JS SHA-256 (no target)', `${(wholeJs.ms / 1000).toFixed(2)} s`],
    ['whole draw(), native SHA-256 (target < 10 s)', `${(wholeNative.ms / 1000).toFixed(2)} s ${verdict(wholeNative.ms < 10_000)}`],
    ['RSS with the pool loaded, before any draw', `${(baselineRss / 2 ** 20).toFixed(0)} MiB`],
    ['peak memory (maxRSS, whole process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
  ];
  if (wholeJs.value.pool.digest !== digestJs.value || wholeJs.value.assignment!.teams.length !== assign.value.length || JSON.stringify(wholeJs.value.strata) !== JSON.stringify(wholeNative.value.strata)) {
    throw new Error('the two whole draws disagree');
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('draw engine benchmark');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  const missed = [
    ...(unbiased / biased <= 2 ? [] : ['selection ratio ≤ 2×']),
    ...(wholeNative.ms < 10_000 ? [] : ['whole draw < 10 s']),
  ];
  const strict = process.env.BENCH_STRICT === '1';
  if (missed.length === 0) console.log('  targets: all met ✓');
  else console.log(`  targets missed ✗: ${missed.join(', ')}${strict ? ' (BENCH_STRICT=1: exit 1)' : ' (exit 0; BENCH_STRICT=1 to fail)'}`);
  if (strict && missed.length > 0) process.exitCode = 1;
}

function verdict(ok: boolean): string {
  return ok ? '✓' : '✗';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
