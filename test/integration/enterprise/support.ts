// Shared set-up of the enterprise-side tests: the inspections' locked draw (Friday 24 July 2026,
// 09:00 Beijing) with a statement period of 5 working days, the real app on that clock, the
// first inspection's two members and the department's supervisor signed in, and an anonymous
// visitor (the entity) who types its reply code into the public pages.
import type { Express } from 'express';
import request from 'supertest';
import type { InspectionRecord } from '../../../models/inspection.js';
import { createApp } from '../../../server/app.js';
import { createLogger } from '../../../server/logger.js';
import { csrfFromHtml, type SignedIn } from '../../helpers/auth.js';
import { firstInspectionPeople, lockedDraw, type LockedDraw } from '../inspections/support.js';

export const STATEMENT_DAYS = 5;

export interface EnterpriseWorld extends LockedDraw {
  app: Express;
  first: InspectionRecord;
  a: SignedIn;
  b: SignedIn;
  chenUser: SignedIn;
}

export function appWith(world: LockedDraw): Express {
  return createApp({
    config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'),
    timeZone: 'Asia/Shanghai', clock: world.clock.now, inspections: world.settings,
  });
}

export async function enterpriseWorld(): Promise<EnterpriseWorld> {
  const world = await lockedDraw();
  world.settings = { ...world.settings, statementWorkingDays: STATEMENT_DAYS };
  const app = appWith(world);
  return { ...world, app, ...(await firstInspectionPeople(app, world)) };
}

export type Visitor = { agent: ReturnType<typeof request.agent>; csrf: string };

/** Someone without an account who opened the reply-code form (its CSRF cookie and token). */
export async function visitor(app: Express, ip?: string): Promise<Visitor> {
  const agent = request.agent(app);
  const page = await (ip ? agent.get('/check/reply').set('X-Forwarded-For', ip) : agent.get('/check/reply')).expect(200);
  return { agent, csrf: csrfFromHtml(page.text) };
}

/** Posts a public reply form with the visitor's token. */
export function postReply(v: Visitor, path: string, fields: Record<string, string>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  return v.agent.post(`${path}?lang=${lang}`).type('form').send({ _csrf: v.csrf, ...fields });
}
