// Fixtures of the statistics and supervision tests: inspections written in the shape the
// inspection use cases leave them (server/inspections/review.ts publicationOf for the frozen
// `publication`), so the aggregations are tested on the fields they read without running the
// whole lifecycle for each of dozens of results. The lifecycle itself is tested elsewhere.
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Inspection } from '../../../models/inspection.js';
import { MarketEntity } from '../../../models/index.js';
import { Plan } from '../../../models/plan.js';
import { clearLocalPublicCache } from '../../../server/http/public-cache.js';
import { forgetPoolCounts } from '../../../server/statistics/coverage.js';
import { ensureDepartment } from '../../helpers/auth.js';
import { entityFields } from '../../helpers/factories.js';

export interface InspectionFixture {
  creditCode: string;
  departmentCode?: string;
  /** The day the result arose (publication.completedOn); absent: not published. */
  completedOn?: string;
  publishedOn?: string;
  publishDueOn?: string;
  resultCategory?: string;
  resultLabel?: string;
  state?: string;
  entityName?: string;
  withdrawn?: boolean;
  /** A correction after publication (server/inspections/review.ts correctPublished) to this category. */
  correctedTo?: { code: string; label: string };
  team?: string[];
  inspectionDate?: string;
  checkIn?: Record<string, unknown>;
  year?: number;
  runKey?: string;
}

/** Inserts one inspection; published when `completedOn` is given. Returns its id. */
export async function insertInspection(f: InspectionFixture): Promise<string> {
  const runKey = f.runKey ?? `run-${randomBytes(4).toString('hex')}`;
  const _id = `${runKey}|${f.creditCode}`;
  const dept = f.departmentCode ?? 'HJ-SCJG';
  const published = f.completedOn !== undefined;
  await Inspection.collection.insertOne({
    _id: _id as unknown as Types.ObjectId, runKey, entityRunKey: runKey, taskId: new Types.ObjectId(), taskNumber: 'T-STATS', taskName: '统计测试任务',
    departmentCode: dept, inspectionType: '日常', year: f.year ?? 2026, creditCode: f.creditCode, entityName: f.entityName ?? '测试主体',
    itemCodes: ['A01'], team: f.team ?? ['T000001', 'T000002'], inspectionDate: f.inspectionDate ?? '2026-03-02', dueOn: '2026-03-31',
    state: f.state ?? (published ? 'published' : 'submitted'), version: 3, findings: [], revision: 1, confirmations: [], reviews: [],
    corrections: f.correctedTo ? [{ at: new Date(), by: { kind: 'user', label: 'x' }, reason: '更正', changes: { resultCategory: { from: f.resultCategory ?? 'NONE', to: f.correctedTo.code, label: f.correctedTo.label } } }] : [], recusals: [], outbox: [], visit: 1,
    ...(f.checkIn ? { checkIn: f.checkIn } : {}),
    ...(published ? {
      resultOn: f.completedOn, publishDueOn: f.publishDueOn, publishedAt: new Date(`${f.publishedOn ?? f.completedOn}T02:00:00Z`), resultCategory: f.resultCategory ?? 'NONE',
      publication: {
        planNumber: '洪市监〔2026〕1号', planName: '计划', taskNumber: 'T-STATS', taskName: '统计测试任务', inspectionType: '日常', targeting: '不定向',
        departmentCode: dept, departmentName: dept, creditCode: f.creditCode, entityName: f.entityName ?? '测试主体',
        resultCategory: f.resultCategory ?? 'NONE', resultLabel: f.resultLabel ?? '未发现问题', items: [],
        completedOn: f.completedOn, publishedOn: f.publishedOn ?? f.completedOn, publishDueOn: f.publishDueOn,
      },
    } : {}),
    ...(f.withdrawn ? { withdrawal: { at: new Date(), reason: 'test', by: { kind: 'user', label: 'x' } } } : {}),
    createdAt: new Date(), updatedAt: new Date(),
  });
  return _id;
}

/** Placed in an unpublished inspection: no statistics page may show it. */
export const MARKER = 'MARKER-UNPUBLISHED-STATS-7f3a';

export interface StatisticsWorld { fixtures: InspectionFixture[]; pool: { D: number; A: number }; codes: { D: string[]; A: string[] } }

/**
 * A small world for the statistics page: 8 drawable class-D and 12 class-A entities (and 2 deregistered),
 * five published results of 2026 (one late, one by HJ-WJ), a withdrawn one, an unpublished one carrying
 * MARKER, one of 2025, and a published plan setting 30 % for class D.
 */
export async function seedStatistics(): Promise<StatisticsWorld> {
  await ensureDepartment('HJ-SCJG', '洪江区市场监督管理局');
  await ensureDepartment('HJ-WJ', '洪江区卫生健康局');
  const d = Array.from({ length: 8 }, () => entityFields({ riskClass: 'D', region: '新街街道', industry: 'H' }));
  const a = Array.from({ length: 12 }, () => entityFields({ riskClass: 'A', region: '河西街道', industry: 'F' }));
  const gone = Array.from({ length: 2 }, () => entityFields({ riskClass: 'D', region: '新街街道', status: '注销' }));
  await MarketEntity.insertMany([...d, ...a, ...gone]);
  const fixtures: InspectionFixture[] = [
    { creditCode: d[0]!.creditCode, completedOn: '2026-03-02', publishedOn: '2026-03-10', publishDueOn: '2026-03-30', resultCategory: 'NONE', resultLabel: '未发现问题' },
    { creditCode: d[1]!.creditCode, completedOn: '2026-03-05', publishedOn: '2026-04-20', publishDueOn: '2026-04-02', resultCategory: 'FIXED', resultLabel: '发现问题已责令改正' },
    { creditCode: d[2]!.creditCode, completedOn: '2026-05-06', publishedOn: '2026-05-08', publishDueOn: '2026-06-03', resultCategory: 'NONE', resultLabel: '未发现问题' },
    { creditCode: a[0]!.creditCode, completedOn: '2026-05-11', publishedOn: '2026-05-12', publishDueOn: '2026-06-08', resultCategory: 'NONE', resultLabel: '未发现问题' },
    { creditCode: a[1]!.creditCode, completedOn: '2026-05-12', publishedOn: '2026-05-12', publishDueOn: '2026-06-09', resultCategory: 'NONE', resultLabel: '未发现问题', departmentCode: 'HJ-WJ' },
    { creditCode: a[2]!.creditCode, completedOn: '2026-07-01', publishedOn: '2026-07-03', publishDueOn: '2026-07-29', resultCategory: 'NONE', resultLabel: '未发现问题', correctedTo: { code: 'FIXED', label: '发现问题已责令改正' } },
  ];
  for (const f of fixtures) await insertInspection(f);
  // Not counted: withdrawn, unpublished (with a marker), and another year.
  await insertInspection({ creditCode: d[3]!.creditCode, completedOn: '2026-03-03', publishDueOn: '2026-03-31', withdrawn: true, resultLabel: '隐瞒弄虚作假' });
  await insertInspection({ creditCode: d[4]!.creditCode, entityName: MARKER, state: 'submitted' });
  await insertInspection({ creditCode: d[5]!.creditCode, completedOn: '2025-12-30', publishDueOn: '2026-01-28' });
  await Plan.create({
    planKey: 'P-STATS', version: 1, year: 2026, number: '洪市监〔2026〕9号', name: '计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常',
    ratios: [{ label: 'D', ratioPpm: 300_000 }], publicationDeadline: new Date('2026-03-31'), publishedAt: new Date('2026-03-01'), createdBy: { label: 'test' },
  });
  forgetPoolCounts();
  clearLocalPublicCache();
  return { fixtures, pool: { D: d.length, A: a.length }, codes: { D: d.map((e) => e.creditCode), A: a.map((e) => e.creditCode) } };
}

