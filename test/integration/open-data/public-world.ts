// The world of the cross-cutting public-site tests (test/integration/public-privacy.test.ts,
// test/e2e/public-accessibility.test.ts), made through the real use cases: a published plan
// and a locked draw of five inspections in every state the public must or must not see, a
// second task whose drawn list is not published, a draft plan, ratings and statements — and
// every private text carrying a marker. Also: the public GET routes of the access table with
// their parameters filled from this data, so that a new public route is covered by both tests
// the day it is declared (an unknown parameter name fails them, asking for values).
import { Types } from 'mongoose';
import { Announcement } from '../../../models/announcement.js';
import { DrawRun } from '../../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { InspectionRating } from '../../../models/inspection-rating.js';
import { MarketEntity } from '../../../models/market-entity.js';
import { Plan } from '../../../models/plan.js';
import { Task } from '../../../models/task.js';
import { joinPath } from '../../../server/access/policy.js';
import type { Access, CsrfExempt } from '../../../server/access/rules.js';
import { ACCESS_TABLE } from '../../../server/features.js';
import { formatCheckCode } from '../../../server/inspections/approval.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { requestDraw } from '../../../server/plans/draws.js';
import { lockDraw } from '../../../server/plans/drawn-list.js';
import { createPlan } from '../../../server/plans/plans.js';
import { ensureDepartment } from '../../helpers/auth.js';
import { entityFields } from '../../helpers/factories.js';
import { approved, readyToSubmit, submitted } from '../inspections/progress.js';
import { lockedDraw, type LockedDraw } from '../inspections/support.js';
import { makeTask, settingsWith } from '../plans/support.js';
import { DEPARTMENT_NAME, publishAs } from './support.js';

/** Every private text below contains this; no public response may. */
export const PRIVATE_MARK = 'PRIVMARK';
const mark = (where: string) => `${PRIVATE_MARK}-${where}`;
const marked = (role: string) => ({ itemCode: 'A01', methods: ['现场检查'], resultCategory: 'R02', problems: mark(`problems-${role}`), handling: mark(`handling-${role}`), followUp: 'F02', note: mark(`note-${role}`) });

export interface PublicWorld extends LockedDraw {
  published: InspectionRecord;
  /** Submitted, waiting for review. */
  pending: InspectionRecord;
  returned: InspectionRecord;
  draft: InspectionRecord;
  /** Approved, with its check code (the /check page names it). */
  approvedOnly: InspectionRecord;
  /** The task whose drawn list is not published: its entities' names carry the marker. */
  hiddenListTaskId: string;
  /** Values for each route parameter name. */
  params: Record<string, string[]>;
}

/** The second task: a directed draw among entities whose names carry the marker; its list is not published. */
async function hiddenListDraw(world: LockedDraw): Promise<string> {
  const planKey = (await Task.findOne().select('planKey').lean<{ planKey: string }>())!.planKey;
  await MarketEntity.insertMany(Array.from({ length: 6 }, (_, i) => entityFields({ region: '私密街道', name: `私密名单企业${mark(`list-${i}`)}` })));
  world.clock.set('2026-07-23T07:38:00Z');
  const settings = settingsWith(world.clock, [world.relay.url]);
  const task = await makeTask(world.chen, planKey, { name: '未公开名单的抽查任务', targeting: '定向', conditions: { region: ['私密街道'] }, publishList: false, strata: [{ id: 'all', quota: { count: 3 }, alternates: 1 }] });
  const a = await announceSlot(task, task.schedule!.at!, world.chen, settings);
  world.clock.set('2026-07-23T07:39:01Z');
  await requestDraw(a._id.toString(), world.chen, settings);
  await lockDraw(a.key, world.chen, settings);
  world.clock.set('2026-07-24T01:00:00Z');
  return task._id.toString();
}

export async function publicWorld(): Promise<PublicWorld> {
  await ensureDepartment('HJ-SCJG', DEPARTMENT_NAME);
  const world = await lockedDraw();
  const hiddenListTaskId = await hiddenListDraw(world);
  const [published, pending, returned, draft, approvedOnly] = world.inspections as [InspectionRecord, InspectionRecord, InspectionRecord, InspectionRecord, InspectionRecord];
  await publishAs(world, published, 'published');
  await submitted(world, pending, marked('pending'));
  await submitted(world, returned, marked('returned'));
  await reviewInspection(returned._id, { decision: 'return', comment: mark('return-comment') }, world.chen, world.settings);
  await readyToSubmit(world, draft, marked('draft'));
  const approvedWithCode = await approved(world, approvedOnly);
  // Words of the entity: a statement on the pending result, ratings of two visits (kept from the team and the public).
  await Inspection.updateOne({ _id: pending._id }, { $set: { statement: { visit: 1, kind: 'statement', text: mark('statement'), at: world.clock.now(), revision: 1 } } });
  await InspectionRating.insertMany([published, pending].map((i) => ({ inspectionId: i._id, departmentCode: 'HJ-SCJG', visit: 1, scores: { lawful: 1, courteous: 2, clear: 3, unobtrusive: 4 }, comment: mark(`rating-${i._id}`), on: '2026-07-24' })));
  // A plan nobody published.
  await createPlan({ year: 2026, number: mark('draft-plan-number'), name: mark('draft-plan'), leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: ['A01'], scope: mark('draft-plan-scope') }, world.chen);

  const inspections = await Inspection.find().select('_id taskId creditCode checkCode').lean<{ _id: string; taskId: Types.ObjectId; creditCode: string; checkCode?: string }[]>();
  const hiddenEntities = await MarketEntity.find({ region: '私密街道' }).select('creditCode').lean<{ creditCode: string }[]>();
  const tasks = await Task.find().select('_id').lean<{ _id: Types.ObjectId }[]>();
  const params: Record<string, string[]> = {
    id: [...tasks.map((t) => t._id.toString()), ...inspections.map((i) => i._id), ...(await Announcement.find().select('_id').lean<{ _id: Types.ObjectId }[]>()).map((a) => a._id.toString())],
    run: (await DrawRun.find().select('_id').lean<{ _id: Types.ObjectId }[]>()).map((r) => r._id.toString()),
    creditCode: [...new Set([...inspections.map((i) => i.creditCode), ...hiddenEntities.map((e) => e.creditCode)])],
    planKey: [...new Set((await Plan.find().select('planKey').lean<{ planKey: string }[]>()).map((p) => p.planKey))],
    code: inspections.filter((i) => i.checkCode).map((i) => formatCheckCode(i.checkCode!)),
  };
  return { ...world, published, pending, returned, draft, approvedOnly: approvedWithCode, hiddenListTaskId, params };
}

const isPublic = (access: Access | CsrfExempt) => access === 'public' || (typeof access === 'object' && !Array.isArray(access) && (access as CsrfExempt).access === 'public');

/** The public GET routes of the access table (server/features.ts), as full Express paths. */
export function publicGetRoutes(): string[] {
  const routes: string[] = [];
  for (const [mountPath, rules] of Object.entries(ACCESS_TABLE)) {
    for (const [route, access] of Object.entries(rules)) {
      const [method, path = ''] = route.split(' ');
      if (method === 'GET' && isPublic(access)) routes.push(joinPath(mountPath, path));
    }
  }
  return routes;
}

/** Every URL of a route with its parameters filled from the world (all combinations). */
export function urlsOf(route: string, params: Record<string, string[]>): string[] {
  let urls = [''];
  for (const segment of route.split('/').slice(1)) {
    const name = /^:(\w+)$/.exec(segment)?.[1];
    if (segment.includes('*')) throw new Error(`route ${route}: a wildcard segment; give this test a way to fill it`);
    if (name === undefined && segment.includes(':')) throw new Error(`route ${route}: a parameter inside a segment; give this test a way to fill it`);
    const values = name === undefined ? [segment] : params[name];
    if (!values || values.length === 0) throw new Error(`route ${route}: no values for :${name} — add them to publicWorld().params`);
    urls = urls.flatMap((url) => values.map((v) => `${url}/${name === undefined ? v : encodeURIComponent(v)}`));
  }
  return urls.map((u) => u || '/');
}

/** A few request variants that reach data through the query string (searches and filters). */
export function queryVariants(world: PublicWorld): string[] {
  const codes = world.params.creditCode ?? [];
  return [
    ...codes.flatMap((code) => [`/results?q=${code}`, `/api/v1/public/results?q=${code}`]),
    `/results?q=${encodeURIComponent('私密名单企业')}`, `/api/v1/public/results?q=${encodeURIComponent('私密名单企业')}`,
    '/results?result=R02', '/api/v1/public/results?category=R02', '/open-data/results.csv?year=2026', '/open-data/announcements.json?department=HJ-SCJG',
    '/plan-announcements?year=2026', '/statistics?year=2026', '/announcements?page=1', '/?lang=en', '/results?lang=en',
  ];
}
