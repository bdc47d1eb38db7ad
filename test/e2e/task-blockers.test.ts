// End to end in Chromium, at desktop and phone widths: a supervisor reads the preview of a task
// that conflicts of interest make infeasible in one stratum (the stratum is named), the preview
// of a task with a stratum at risk, and the page of a task whose item was deactivated after it
// was created (the item is named) — in zh-CN and English, without overflow or raw message keys.
// Set TASK_BLOCKER_SCREENSHOTS=<dir> to keep a full-page PNG of each.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { InspectionItem, Inspector } from '../../models/index.js';
import { createPlan, publishPlan } from '../../server/plans/plans.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser } from '../helpers/auth.js';
import { DESKTOP, PHONE, documentWidth, launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';
import { inspectorFields } from '../helpers/factories.js';
import { makeTask, seedWorld, settingsWith, supervisor, testClock } from '../integration/plans/support.js';

const SCREENSHOTS = process.env.TASK_BLOCKER_SCREENSHOTS;
const RAW_KEY = /\b(?:preview|waiting|error\.field)\.[A-Za-z_.]+\b/;

describe('end to end: what blocks a task, on its page and in its preview', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;
  afterEach(async () => {
    await browser?.close();
    await server?.close();
  });

  it('names the infeasible stratum, the stratum at risk and the deactivated item, at 1280 and 390 px', async () => {
    const { codes } = await seedWorld({ entities: 12, inspectors: 0, entity: (i) => ({ riskClass: i < 3 ? 'D' : 'A' }) });
    await InspectionItem.create({ code: 'B01', name: '产品质量检查', departmentCode: 'HJ-SCJG', active: true });
    await Inspector.insertMany([
      inspectorFields({ inspectorId: 'K1' }),
      ...['K2', 'K3', 'K4'].map((id) => inspectorFields({ inspectorId: id, conflicts: codes.slice(0, 3).map((creditCode) => ({ kind: 'entity', creditCode })) })),
    ]);
    const acting = supervisor('chen');
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕1号', name: '年度计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: ['A01', 'B01'] }, acting);
    await publishPlan(plan.planKey, acting, new Date('2026-03-01T00:00:00Z'));
    const infeasible = await makeTask(acting, plan.planKey, { strata: [{ id: 'high-risk', where: { riskClass: ['D'] }, quota: { count: 1 } }, { id: 'rest', quota: { count: 2 } }] });
    const risky = await makeTask(acting, plan.planKey, { strata: [{ id: 'all', quota: { count: 2 } }] });
    const blocked = await makeTask(acting, plan.planKey, { itemCodes: ['B01'] });
    await InspectionItem.updateOne({ code: 'B01' }, { $set: { active: false } });

    const chen = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG', username: 'e2e-chen-blockers', displayName: '陈' });
    server = await startTestServer({ draws: settingsWith(testClock('2026-07-23T07:30:00Z'), []) });
    browser = await launchBrowser();
    const { page } = browser;
    const base = server.baseUrl;
    await signInOnLoginPage(page, base, chen);
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    const visit = async (name: string, path: string) => {
      for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        await page.setViewportSize(size);
        expect((await page.goto(`${base}${path}`))?.status(), name).to.equal(200);
        expect(await documentWidth(page), `${name} ${label}: no horizontal overflow`).to.be.at.most(size.width);
        expect(RAW_KEY.exec(await page.evaluate(() => document.body.innerText)), `${name}: no raw message key`).to.equal(null);
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
      }
      return page.evaluate(() => document.body.innerText);
    };

    expect(await visit('preview-infeasible-zh', `/tasks/${infeasible._id}/preview`)).to.contain('分层 high-risk：其 3 户可抽主体中有 3 户');
    expect(await visit('preview-infeasible-en', `/tasks/${infeasible._id}/preview?lang=en`)).to.contain('Stratum high-risk: 3 of its 3 drawable entities');
    expect(await visit('preview-risk-zh', `/tasks/${risky._id}/preview?lang=zh-CN`)).to.contain('分层 all：其 12 户可抽主体中有 3 户因回避无法组成完整检查组');
    expect(await visit('task-blocked-zh', `/tasks/${blocked._id}`)).to.contain('B01 产品质量检查');
    expect(await visit('task-blocked-en', `/tasks/${blocked._id}?lang=en`)).to.contain('items no longer on the published list or in the plan: B01 产品质量检查');
  });
});
