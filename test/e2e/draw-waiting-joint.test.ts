// End to end in Chromium, at 1280 and 390 px: a supervisor opens a task whose drand relay served
// a tampered signature — the page says so in Chinese, with the time of the draw job's check, and
// 立即抽取 is refused with the same reason — then opens 综合查一次 from the start page and accepts
// a proposal. Pages fit the screen and raise no console error or CSP violation.
// Set ISSUE11_SCREENSHOTS=<dir> to keep a full-page PNG of each.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { Department, DrawnEntity } from '../../models/index.js';
import { drawJob } from '../../jobs/draws.js';
import { announceSlot } from '../../server/plans/announce.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser } from '../helpers/auth.js';
import { DESKTOP, PHONE, documentWidth, launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';
import { fakeRelay, makeTask, publishedPlanKey, seedWorld, settingsWith, supervisor, testClock, type FakeRelay } from '../integration/plans/support.js';

const SCREENSHOTS = process.env.ISSUE11_SCREENSHOTS;
const CODE = '91430102MA4L000001';

describe('end to end: why a draw waits, and joint visits', function () {
  this.timeout(120_000);
  let relay: FakeRelay | undefined;
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    await relay?.close();
  });

  it('shows the bad signature in Chinese on the task page and after 立即抽取, and accepts a joint visit, at both widths', async () => {
    relay = await fakeRelay({ tamper: true });
    await Department.create({ code: 'HJ-SCJG', name: '洪江区市场监督管理局', level: '县' });
    await Department.create({ code: 'HJ-WJW', name: '洪江区卫生健康局', level: '县' });
    await seedWorld({ entities: 10, inspectors: 4 });
    const chen = supervisor('chen');
    const task = await makeTask(chen, await publishedPlanKey(chen), { assignment: undefined });
    const clock = testClock('2026-07-23T07:38:00Z');
    const settings = settingsWith(clock, [relay.url]);
    await announceSlot(task, task.schedule!.at!, chen, settings);
    clock.set('2026-07-23T07:39:10Z');
    await drawJob(settings).run();
    const row = (id: string, dept: string, drawnOn: string) => ({ _id: id, runKey: `run-${id}`, taskId: dept === 'HJ-SCJG' ? task._id : new Types.ObjectId(), departmentCode: dept, inspectionType: '日常', year: 2026, drawnOn, creditCode: CODE, name: '洪江区示例食品有限公司', stratumId: 'all', role: 'selected', order: 0 });
    await DrawnEntity.insertMany([row('a', 'HJ-SCJG', '2026-07-02'), row('b', 'HJ-WJW', '2026-07-06')]);

    server = await startTestServer({ draws: settings });
    browser = await launchBrowser();
    browser.expectDocumentStatus(409);
    const { page } = browser;
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    const shot = async (name: string, width: number) => {
      expect(await documentWidth(page), `${name} at ${width}: no horizontal overflow`).to.be.at.most(width);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    };
    const user = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG' });
    await signInOnLoginPage(page, server.baseUrl, user);

    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(`${server.baseUrl}/tasks/${task._id.toString()}`);
      const reason = page.locator('[data-waiting] [data-reason="drand.bad_signature"]');
      expect(await reason.innerText()).to.match(/drand 第 30662992 轮：无效 \(中继返回的签名未通过 BLS 验证，不能使用 · 2026-07-23 15:39:10 检查\)/);
      await shot('task-waiting', size.width);
      await page.getByRole('button', { name: '立即抽取' }).click();
      const refusal = page.locator('[data-refusal]');
      expect(await refusal.innerText()).to.contain('drand 第 30662992 轮：中继返回的签名未通过 BLS 验证');
      expect(await refusal.innerText()).not.to.match(/signature is not|cannot start/);
      await shot('task-draw-refused', size.width);
    }

    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(`${server.baseUrl}/supervisor`);
      await page.getByRole('link', { name: '综合查一次' }).first().click();
      await page.waitForURL(/\/supervision\/joint-visits/);
      await page.locator(`[data-proposal="${CODE}"]`).waitFor();
      await shot('joint-visits', size.width);
    }
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: '接受，合并为一次联合检查' }).click();
    await page.locator(`[data-merged="${CODE}"]`).waitFor();
    expect(await page.locator('[role="status"]').innerText()).to.contain('已合并为一次联合检查');
    await shot('joint-visits-merged', DESKTOP.width);
    await page.setViewportSize(PHONE);
    await shot('joint-visits-merged', PHONE.width);
    expect(await DrawnEntity.countDocuments({ creditCode: CODE, jointVisit: mongoose.trusted({ $type: 'string' }) })).to.equal(2);
    expect(browser.problems).to.deep.equal([]);
  });
});
