// Shared by the plan/task page tests: the app with a controllable draw clock and a fake drand
// relay (test/integration/plans/support.ts), signed-in users, and form posting in either language.
import type { Express } from 'express';
import { testApp } from '../../helpers/app.js';
import { signInAs, type SignedIn } from '../../helpers/auth.js';
import { settingsWith, testClock, type TestClock } from '../plans/support.js';

export interface PagesWorld { app: Express; clock: TestClock }

export function pagesApp(relays: string[] = [], start = '2026-07-23T07:30:00Z'): PagesWorld {
  const clock = testClock(start);
  return { app: testApp({ draws: settingsWith(clock, relays) }), clock };
}

/** Posts a form as the signed-in user; `lang` picks the page's language (zh-CN by default). */
export function post(user: SignedIn, path: string, fields: Record<string, string | string[]>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  return user.agent.post(`${path}?lang=${lang}`).type('form').send({ _csrf: user.csrf, ...fields });
}

export const supervisorOf = (app: Express, departmentCode = 'HJ-SCJG') => signInAs(app, 'supervisor', { departmentCode });

/** The form fields of a plain 日常 plan with item A01. */
export const PLAN_FIELDS = { year: '2026', number: '洪市监〔2026〕9号', name: '2026年度双随机抽查计划', inspectionType: '日常', itemCodes: 'A01' };

/** The form fields of a task drawn at 07:39Z (drand round 30662992) with a 福彩3D lottery too. */
export function taskFields(planKey: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    planKey, number: `T-${Math.random().toString(36).slice(2, 8)}`, name: '登记事项抽查', itemCodes: 'A01', targeting: '不定向', inspectionType: '日常',
    inspectionDate: '2026-07-24', scheduleAt: '2026-07-23T15:39', drand: 'on', lotteryGame: 'fc3d', publishList: 'on',
    s0Id: 'all', s0Count: '5', s0Alternates: '2', teamSize: '2', maxAssignments: '5', ...overrides,
  };
}

/** The path a 303 points to. */
export const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');
