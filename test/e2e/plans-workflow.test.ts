// End to end in Chromium: a supervisor creates and publishes a plan, creates a task, previews
// and announces it; two supervisors enter the lottery result; the draw runs (a controlled clock
// and a local drand relay serving recorded rounds); the result and the public announcement show,
// and the record downloaded from the public page verifies on /verify against the digest.
// With SCREENSHOTS_DIR set, the main pages are also photographed at 1280×900 and 390×844.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowserBundle } from '../../scripts/build-browser.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser, type TestUser } from '../helpers/auth.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { fakeRelay, seedWorld, settingsWith, testClock, type FakeRelay } from '../integration/plans/support.js';

const SHOTS = process.env.SCREENSHOTS_DIR;

async function signIn(page: Page, baseUrl: string, user: TestUser): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL(`${baseUrl}/supervisor`);
}

/** With SCREENSHOTS_DIR: the current page at desktop and phone widths (and back to desktop). */
async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  for (const [width, height, tag] of [[390, 844, 'phone'], [1280, 900, 'desktop']] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(SHOTS, `${name}-${tag}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      const culprit = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(-3).join(' '));
      console.log(`  ${name} at ${width}px overflows by ${overflow}px: ${culprit}`);
    }
  }
}

describe('end to end: plan, task, announcement, lottery, draw, public record', function () {
  this.timeout(180_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let relay: FakeRelay;
  const clock = testClock('2026-07-23T07:30:00Z');
  const sessions: BrowserSession[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'shuangsuiji-plans-e2e-'));

  before(async () => {
    await buildBrowserBundle();
    relay = await fakeRelay();
    server = await startTestServer({ now: () => new Date(), draws: settingsWith(clock, [relay.url]) });
  });

  after(async () => {
    for (const s of sessions) await s.close();
    rmSync(folder, { recursive: true, force: true });
    await server.close();
    await relay.close();
  });

  it('runs the whole workflow in the browser and the downloaded record verifies on /verify', async () => {
    await seedWorld({ entities: 30, inspectors: 6 });
    const chenUser = await createTestUser({ role: 'supervisor', username: 'e2e-chen', displayName: '陈监管' });
    const liUser = await createTestUser({ role: 'supervisor', username: 'e2e-li', displayName: '李监管' });
    const base = server.baseUrl;
    const chen = await launchBrowser();
    sessions.push(chen);
    chen.expectDocumentStatus(409);
    const { page } = chen;
    await page.setViewportSize({ width: 1280, height: 900 });

    await signIn(page, base, chenUser);
    await shoot(page, '01-start-empty');
    await page.click('a[href="/plans/new"]');
    await page.getByLabel('文号').fill('洪市监〔2026〕12号');
    await page.getByLabel('计划名称').fill('2026年度登记事项双随机抽查计划');
    await page.getByLabel('A01 登记事项检查').check();
    await shoot(page, '02-plan-form');
    await page.click('form[action="/plans"] button[type=submit]');
    await page.waitForURL(/\/plans\/[0-9a-f]{24}$/);
    await page.getByRole('button', { name: '公布计划' }).click();
    await page.locator('[data-fact="published"]', { hasText: '公布' }).waitFor();
    await shoot(page, '03-plan');

    await page.getByRole('link', { name: '新建抽查任务' }).click();
    await page.getByLabel('任务编号').fill('HJ-2026-07-01');
    await page.getByLabel('任务名称').fill('登记事项抽查（7月）');
    await page.getByLabel('A01 登记事项检查').check();
    await page.getByLabel('检查日期').fill('2026-07-24');
    await page.getByLabel('抽取时间', { exact: true }).fill('2026-07-23T15:39');
    await page.getByLabel('彩票开奖结果').selectOption('fc3d');
    await page.getByLabel('公开抽取名单').check();
    await shoot(page, '04-task-form');
    await page.click('form[action="/tasks"] button[type=submit]');
    await page.waitForURL(/\/tasks\/[0-9a-f]{24}$/);
    const taskUrl = page.url();
    const taskId = taskUrl.split('/').pop()!;

    await page.getByRole('link', { name: '预览抽取（不保存）' }).click();
    await page.locator('[data-feasible]').waitFor();
    expect(await page.locator('[data-fact="pool-size"]').textContent()).to.contain('30 户');
    await shoot(page, '05-preview');
    await page.goto(taskUrl);
    await page.click('[data-action="announce"]');
    await page.locator('[data-announcement="1"]').waitFor();
    const digest = (await page.locator('[data-announcement="1"] [data-digest]').textContent())!.trim();
    expect(digest).to.match(/^[0-9a-f]{64}$/);

    // The announced 福彩3D of 24 July does not exist yet: the page says from when it can be entered.
    expect(await page.locator('[data-lottery-from]').textContent()).to.contain('2026-07-24 21:30');

    // The draw time (23 July 15:39) passes, then the lottery is drawn that evening (21:30 Beijing):
    // two different supervisors enter the result independently.
    clock.set('2026-07-24T13:30:00Z');
    await page.goto(taskUrl);
    await page.getByLabel('开奖号码').fill('3 1 4');
    await page.getByRole('button', { name: '录入', exact: true }).click();
    await page.locator('.notice', { hasText: '开奖结果已录入' }).waitFor();
    const li = await launchBrowser();
    sessions.push(li);
    await signIn(li.page, base, liUser);
    await li.page.goto(taskUrl);
    await li.page.getByLabel('开奖号码').fill('314');
    await li.page.getByRole('button', { name: '录入', exact: true }).click();
    await li.page.locator('.notice', { hasText: '开奖结果已录入' }).waitFor();
    await shoot(page, '06-task-announced');

    // Both sources exist now (the drand round of the draw time, the lottery); the supervisor draws now.
    await page.goto(taskUrl);
    await page.click('[data-action="draw"]');
    await page.locator('.notice', { hasText: '抽取已完成' }).waitFor();
    await shoot(page, '07-task-drawn');
    await page.getByRole('link', { name: '查看抽取结果' }).click();
    await page.locator('table.drawn-list').waitFor();
    expect(await page.locator('[data-row="selected"]').count()).to.equal(5);
    expect(await page.locator('[data-row="alternate"]').count()).to.equal(2);
    await shoot(page, '08-result');
    if (SHOTS) {
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: join(SHOTS, '08-result-print.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SHOTS, '08-result-print-narrow.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${taskUrl}?lang=en`);
      await shoot(page, '08-task-en');
      await page.goBack();
      await page.goto(`${page.url().split('?')[0]}?lang=zh-CN`);
    }
    await page.click('[data-action="lock"]');
    await page.locator('[data-action="dispatch"]').click();
    await page.locator('[data-fact="dispatched"]', { hasText: 'HJ-SCJG' }).waitFor();
    await page.goto(`${base}/supervisor`);
    await shoot(page, '09-start');

    // The public: the announcement page, the record, /verify.
    const visitor = await launchBrowser();
    sessions.push(visitor);
    const pub = visitor.page;
    await pub.goto(`${base}/announcements/${taskId}`);
    expect(await pub.locator('[data-fact="announcement-digest"]').first().textContent()).to.contain(digest);
    expect(await pub.locator('[data-source="drand"]').textContent()).to.contain('30662992');
    expect(await pub.locator('[data-source="lottery"]').textContent()).to.contain('福彩3D');
    await shoot(pub, '10-announcement');
    if (SHOTS) {
      await pub.goto(`${base}/announcements/${taskId}?lang=en`);
      await shoot(pub, '10-announcement-en');
      await pub.goto(`${base}/verify?lang=en`);
      await shoot(pub, '10-verify-en');
      await pub.goto(`${base}/announcements/${taskId}?lang=zh-CN`);
    }
    const [download] = await Promise.all([pub.waitForEvent('download'), pub.click('[data-record]')]);
    const file = join(folder, 'record.json');
    await download.saveAs(file);
    await pub.goto(`${base}/verify`);
    await pub.locator('#verify-where').waitFor({ state: 'visible' });
    await pub.fill('#field-announcementDigest', digest);
    await pub.setInputFiles('#field-record', file);
    await pub.click('#verify-form button[type=submit]');
    await pub.locator('[data-verdict="ok"]').waitFor();
    await shoot(pub, '11-verify');

    for (const s of sessions) expect(s.problems).to.deep.equal([]);
  });
});
