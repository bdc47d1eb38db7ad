// Shared by the plan/task/draw tests: a fake drand relay on 127.0.0.1 serving the recorded
// quicknet rounds (optionally with a tampered signature), a controllable clock, acting users,
// and a small world (items, entities, inspectors, a published plan).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose, { Types } from 'mongoose';
import { InspectionItem, MarketEntity, Inspector } from '../../../models/index.js';
import { PROJECT_ROOT } from '../../../server/paths.js';
import type { Acting } from '../../../server/plans/acting.js';
import { createPlan, publishPlan } from '../../../server/plans/plans.js';
import { createTask, type TaskInput } from '../../../server/plans/tasks.js';
import { defaultDrawSettings, type DrawSettings } from '../../../server/plans/settings.js';
import { entityFields, inspectorFields } from '../../helpers/factories.js';

interface RecordedRound { round: number; randomness: string; signature: string }
export const ROUNDS: RecordedRound[] = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/draw/drand-quicknet.json'), 'utf8')) as { rounds: RecordedRound[] }).rounds;
/** Round 30662992 is published at this time (a whole minute: 15:39 in Beijing). */
export const ROUND_AT_0739 = '2026-07-23T07:39:00Z';

export interface FakeRelay { url: string; hits: number[]; close(): Promise<void> }

/** A drand relay answering /{chain}/public/{round} with recorded rounds (425 for others). */
export async function fakeRelay(options: { tamper?: boolean } = {}): Promise<FakeRelay> {
  const hits: number[] = [];
  const server: Server = createServer((req, res) => {
    const round = Number(/\/public\/(\d+)$/.exec(req.url ?? '')?.[1]);
    hits.push(round);
    const r = ROUNDS.find((x) => x.round === round);
    if (!r) { res.writeHead(425).end('{"error":"too early"}'); return; }
    // A tampered relay flips one hex digit of the signature: BLS verification must refuse it.
    const signature = options.tamper ? (r.signature[10] === 'a' ? `${r.signature.slice(0, 10)}b${r.signature.slice(11)}` : `${r.signature.slice(0, 10)}a${r.signature.slice(11)}`) : r.signature;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ round, randomness: r.randomness, signature }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface TestClock { now: () => Date; set(iso: string): void; advance(ms: number): void }

export function testClock(iso: string): TestClock {
  let t = Date.parse(iso);
  return { now: () => new Date(t), set: (x) => { t = Date.parse(x); }, advance: (ms) => { t += ms; } };
}

export function settingsWith(clock: TestClock, relays: string[], overrides: Partial<DrawSettings> = {}): DrawSettings {
  return defaultDrawSettings({ now: clock.now, drandRelays: relays, ...overrides });
}

export function supervisor(label: string, departmentCode = 'HJ-SCJG'): Acting {
  return { actor: { kind: 'user', userId: new Types.ObjectId(), label }, role: 'supervisor', departmentCode };
}

export async function seedWorld(options: { entities?: number; inspectors?: number; entity?: (i: number) => Record<string, unknown> } = {}): Promise<{ codes: string[] }> {
  await InspectionItem.create({ code: 'A01', name: '登记事项检查', departmentCode: 'HJ-SCJG', active: true });
  await InspectionItem.create({ code: 'A99', name: '已停用事项', departmentCode: 'HJ-SCJG', active: false });
  const docs = Array.from({ length: options.entities ?? 30 }, (_, i) => entityFields(options.entity?.(i) ?? {}));
  await MarketEntity.insertMany(docs);
  if (options.inspectors ?? 6) await Inspector.insertMany(Array.from({ length: options.inspectors ?? 6 }, () => inspectorFields()));
  return { codes: docs.map((d) => d.creditCode) };
}

export async function publishedPlanKey(author: Acting): Promise<string> {
  const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕1号', name: '2026年度双随机抽查计划', leadDepartment: author.departmentCode!, inspectionType: '日常', itemCodes: ['A01'] }, author);
  await publishPlan(plan.planKey, author, new Date('2026-03-01T00:00:00Z'));
  return plan.planKey;
}

let taskSeq = 0;
export async function makeTask(author: Acting, planKey: string, overrides: Partial<TaskInput> = {}) {
  taskSeq += 1;
  return createTask({
    number: `T2026-${process.pid}-${taskSeq}`, name: '登记事项抽查', planKey, itemCodes: ['A01'], targeting: '不定向',
    strata: [{ id: 'all', quota: { count: 5 }, alternates: 2 }], inspectionType: '日常', inspectionDate: '2026-07-24',
    schedule: { at: new Date(ROUND_AT_0739) }, assignment: { teamSize: 2, maxAssignmentsPerInspector: 5 },
    ...overrides,
  }, author);
}

/** Every collection's documents, hashed: equal before and after = nothing written. */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await mongoose.connection.db!.collections()) {
    const docs = await c.find({}).sort({ _id: 1 }).toArray();
    out[c.collectionName] = createHash('sha256').update(JSON.stringify(docs)).digest('hex');
  }
  return out;
}
