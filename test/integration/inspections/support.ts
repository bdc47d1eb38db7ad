// Shared set-up of the inspection tests: a locked draw of a published plan's task (5 entities,
// teams of 2 from 6 inspectors), its inspections, the acting people and the settings.
import { Types } from 'mongoose';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { DictionaryEntry } from '../../../models/dictionary-entry.js';
import { DEFAULT_FOLLOW_UPS, DEFAULT_RESULT_CATEGORIES } from '../../../server/catalog/defaults.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { requestDraw } from '../../../server/plans/draws.js';
import { lockDraw } from '../../../server/plans/drawn-list.js';
import type { Acting } from '../../../server/plans/acting.js';
import { createInspectionsForRun } from '../../../server/inspections/create.js';
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
  await lockDraw(a.key, chen, drawSettings);
  await createInspectionsForRun(a.key);
  clock.set('2026-07-24T01:00:00Z');
  const settings: InspectionSettings = {
    timeZone: 'Asia/Shanghai', now: clock.now, calendar: workingCalendar, lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5,
  };
  const inspections = await Inspection.find({ runKey: a.key }).sort({ _id: 1 }).lean<InspectionRecord[]>();
  return { runKey: a.key, inspections, chen, clock, settings, relay };
}
