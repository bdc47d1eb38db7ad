// Shared set-up of the inspection tests: a locked draw of a published plan's task (5 entities,
// teams of 2 from 6 inspectors), its inspections, the acting people and the settings.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { DictionaryEntry } from '../../../models/dictionary-entry.js';
import { InspectionItem } from '../../../models/inspection-item.js';
import { Inspector } from '../../../models/inspector.js';
import { createUser } from '../../../server/auth/users.js';
import { testApp } from '../../helpers/app.js';
import { ensureDepartment, signIn, signInAs, type SignedIn, type TestUser } from '../../helpers/auth.js';
import { DEFAULT_FOLLOW_UPS, DEFAULT_RESULT_CATEGORIES } from '../../../server/catalog/defaults.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { requestDraw } from '../../../server/plans/draws.js';
import { lockDraw } from '../../../server/plans/drawn-list.js';
import type { Acting } from '../../../server/plans/acting.js';
import type { InspectionSettings } from '../../../server/inspections/settings.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay, type TestClock } from '../plans/support.js';

export interface LockedDraw {
  runKey: string;
  inspections: InspectionRecord[];
  chen: Acting;
  clock: TestClock;
  settings: InspectionSettings;
  relay: FakeRelay;
}

export function inspectorActing(inspectorId: string, role: Acting['role'] = 'inspector', departmentCode = 'HJ-SCJG'): Acting {
  return { actor: { kind: 'user', userId: new Types.ObjectId(), label: `user-${inspectorId}` }, role, departmentCode, inspectorId };
}

export async function seedDictionaries(): Promise<void> {
  const rows = [
    ...DEFAULT_RESULT_CATEGORIES.map((e, order) => ({ dictionary: 'result_category', order, ...e })),
    ...DEFAULT_FOLLOW_UPS.map((e, order) => ({ dictionary: 'follow_up', order, ...e })),
  ];
  await DictionaryEntry.insertMany(rows);
}

/** A locked draw with its inspections, the clock at 2026-07-24 09:00 Beijing (the inspection date). */
export async function lockedDraw(): Promise<LockedDraw> {
  const relay = await fakeRelay();
  const chen = supervisor('chen');
  await seedWorld({ entities: 12, inspectors: 6 });
  await seedDictionaries();
  const task = await makeTask(chen, await publishedPlanKey(chen));
  const clock = testClock('2026-07-23T07:38:00Z');
  const drawSettings = settingsWith(clock, [relay.url]);
  const a = await announceSlot(task, task.schedule!.at!, chen, drawSettings);
  clock.set('2026-07-23T07:39:01Z');
  await requestDraw(a._id.toString(), chen, drawSettings);
  await lockDraw(a.key, chen, drawSettings); // creates the inspections
  clock.set('2026-07-24T01:00:00Z');
  const settings: InspectionSettings = {
    timeZone: 'Asia/Shanghai', now: clock.now, calendar: workingCalendar, lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5,
  };
  const inspections = await Inspection.find({ runKey: a.key }).sort({ _id: 1 }).lean<InspectionRecord[]>();
  return { runKey: a.key, inspections, chen, clock, settings, relay };
}

// ---- the inspection pages over HTTP (test/integration/inspections/pages.test.ts, test/e2e/inspections.test.ts)

/** Item A01 as the published list describes it: a legal basis, and methods that allow a desk check too. */
export async function describeItemA01(): Promise<void> {
  await InspectionItem.updateOne({ code: 'A01' }, { $set: { legalBasis: '《企业信息公示暂行条例》第十四条', methods: ['现场检查', '书面检查'], content: '年度报告公示信息的真实性' } });
}

/** A signed-in user for a roster inspector (a team member of the locked draw). */
export async function inspectorUser(inspectorId: string, departmentCode = 'HJ-SCJG'): Promise<TestUser> {
  await ensureDepartment(departmentCode);
  const username = `insp-${inspectorId.toLowerCase()}-${randomBytes(2).toString('hex')}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  const name = (await Inspector.findOne({ inspectorId }).select('name').lean<{ name: string }>())?.name ?? inspectorId;
  const user = await createUser({ username, displayName: name, role: 'inspector', departmentCode, inspectorCode: inspectorId, password }, { actor: { kind: 'cli', label: 'test' }, mustChangePassword: false });
  return { user, username, password };
}

export interface PagesWorld extends LockedDraw {
  app: Express;
  /** The inspection the tests work on, its two members and the owning department's supervisor, signed in. */
  first: InspectionRecord;
  a: SignedIn;
  b: SignedIn;
  chenUser: SignedIn;
}

/** The first inspection of the draw and its people signed in: both team members and the department's supervisor. */
export async function firstInspectionPeople(app: Express, world: LockedDraw): Promise<Pick<PagesWorld, 'first' | 'a' | 'b' | 'chenUser'>> {
  const first = world.inspections[0] as InspectionRecord;
  const [a, b] = first.team as [string, string];
  return {
    first,
    a: await signIn(app, await inspectorUser(a)),
    b: await signIn(app, await inspectorUser(b)),
    chenUser: await signInAs(app, 'supervisor', { departmentCode: 'HJ-SCJG', displayName: '陈审核' }),
  };
}

/** The locked draw, the app on the draw's clock (Friday 24 July 2026, 09:00 Beijing), and the people of the first inspection signed in. */
export async function pagesWorld(): Promise<PagesWorld> {
  const world = await lockedDraw();
  await describeItemA01();
  const app = testApp({ now: world.clock.now });
  return { ...world, app, ...(await firstInspectionPeople(app, world)) };
}

/** The page of an inspection. */
export const pageOf = (id: string) => `/inspections/${encodeURIComponent(id)}`;

/** Posts a form of an inspection page as the signed-in user, in zh-CN unless told. */
export function postForm(user: SignedIn, path: string, fields: Record<string, string | string[]>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  return user.agent.post(`${path}?lang=${lang}`).type('form').send({ _csrf: user.csrf, ...fields });
}
