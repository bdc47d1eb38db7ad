// Shared by the public announcement tests: a drawn task over the use cases (announce, draw,
// optionally lock and a recusal, a redo, a lottery entered by two supervisors), and the app
// on the draw's clock. The draw is real: the fake drand relay serves recorded quicknet rounds.
import type { Express } from 'express';
import { Types } from 'mongoose';
import { DrawRun, type DrawRunRecord } from '../../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import type { AnnouncementRecord } from '../../../models/announcement.js';
import type { TaskRecord } from '../../../models/task.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import { declareRecusal } from '../../../server/inspections/recusal.js';
import type { Acting } from '../../../server/plans/acting.js';
import { announceSlot } from '../../../server/plans/announce.js';
import { requestDraw } from '../../../server/plans/draws.js';
import { lockDraw } from '../../../server/plans/drawn-list.js';
import { approveRedo, requestRedo } from '../../../server/plans/redo.js';
import { enterLotteryResult } from '../../../server/plans/sources.js';
import type { DrawSettings } from '../../../server/plans/settings.js';
import type { TaskInput } from '../../../server/plans/tasks.js';
import { testApp } from '../../helpers/app.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay, type TestClock } from '../plans/support.js';

export interface DrawnWorld {
  app: Express;
  relay: FakeRelay;
  clock: TestClock;
  /** The draw use cases' settings on `clock` (for a test server: startTestServer({ draws })). */
  settings: DrawSettings;
  task: TaskRecord;
  announcement: AnnouncementRecord;
  run: DrawRunRecord;
  /** The page of the draw: /announcements/:task/runs/:run */
  page: string;
}

const acting = (label: string): Acting => ({ ...supervisor(label), actor: { kind: 'user', userId: new Types.ObjectId(), label } });

/**
 * A task drawn at 07:38:30Z (drand round 30662982) with a committed secret, 5 entities and 2
 * alternates from 20, teams of 2 from 6 inspectors. `lottery`: a 福彩3D too, entered by two
 * supervisors on 24 July evening, and the draw then.
 */
export async function drawnWorld(overrides: Partial<TaskInput> = {}, options: { lottery?: boolean } = {}): Promise<DrawnWorld> {
  const relay = await fakeRelay();
  const chen = acting('陈录入');
  await seedWorld({ entities: 20, inspectors: 6 });
  const task = await makeTask(chen, await publishedPlanKey(chen), {
    publishList: true, schedule: { at: new Date('2026-07-23T07:38:30Z') },
    sources: { drand: true, commitReveal: true, ...(options.lottery ? { lotteryGame: 'fc3d' } : {}) }, ...overrides,
  });
  const clock = testClock('2026-07-23T07:38:00Z');
  const settings = settingsWith(clock, [relay.url], { redoDelaySeconds: 29 });
  const announcement = await announceSlot(task, task.schedule!.at!, chen, settings);
  clock.set('2026-07-23T07:38:31Z');
  if (options.lottery) {
    clock.set('2026-07-24T13:30:00Z');
    await enterLotteryResult(announcement._id.toString(), 1, '3 1 4', chen, settings);
    await enterLotteryResult(announcement._id.toString(), 1, '314', acting('王录入'), settings);
  }
  const outcome = await requestDraw(announcement._id.toString(), chen, settings);
  if (outcome.state !== 'complete') throw new Error(`the draw did not complete: ${outcome.state}`);
  const app = testApp({ now: clock.now, draws: settings });
  return { app, relay, clock, settings, task, announcement, run: outcome.run, page: `/announcements/${task._id.toString()}/runs/${outcome.run._id.toString()}` };
}

/** Locks the draw (its inspections begin) and records one recusal; returns the recusal's facts. */
export async function lockAndRecuse(world: DrawnWorld): Promise<{ creditCode: string; out: string; replacement: string; reason: string }> {
  const chen = acting('陈监管');
  const settings = settingsWith(world.clock, [world.relay.url]);
  await lockDraw(world.run.key, chen, settings);
  const inspection = (await Inspection.findOne({ runKey: world.run.key }).sort({ _id: 1 }).lean<InspectionRecord>())!;
  const out = inspection.team[1]!;
  const reason = '曾在该企业任职';
  const inspector: Acting = { actor: { kind: 'user', userId: new Types.ObjectId(), label: 'x' }, role: 'inspector', departmentCode: 'HJ-SCJG', inspectorId: out };
  const recused = await declareRecusal(inspection._id, { inspectorId: out, reason, requestedBy: 'inspector' }, inspector, {
    timeZone: 'Asia/Shanghai', now: world.clock.now, calendar: workingCalendar, lateCheckInWorkingDays: 3, publishWithinWorkingDays: 20, dueSoonWorkingDays: 5,
  });
  return { creditCode: inspection.creditCode, out, replacement: recused.team[1]!, reason };
}

/** Redoes the draw (a reason, a second supervisor) and draws the redo at 07:39:00Z (round 30662992). */
export async function redo(world: DrawnWorld, reason: string): Promise<DrawRunRecord> {
  const settings = settingsWith(world.clock, [world.relay.url], { redoDelaySeconds: 29 });
  world.clock.set('2026-07-23T07:38:31Z');
  const request = await requestRedo(world.run.key, reason, acting('陈监管'), settings);
  const second = await approveRedo(request.key, acting('王监管'), settings);
  world.clock.set('2026-07-23T07:39:02Z');
  const outcome = await requestDraw(second._id.toString(), acting('王监管'), settings);
  if (outcome.state !== 'complete') throw new Error('the redo did not complete');
  return (await DrawRun.findOne({ key: outcome.run.key }).lean<DrawRunRecord>())!;
}

/** Any catalogue key left raw on a page (announce.*, drawPage.*, run.*…). */
export const RAW_KEY = />[^<]*\b(?:announce|drawPage|run|preview|tasks|verify|condition)\.[a-zA-Z_]+(?:\.[a-zA-Z_]+)*\b[^<]*</;
