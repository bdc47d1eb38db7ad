// End to end in Chromium, on a phone (390×844): an admin enters next year's National Day and
// its make-up Saturday on /admin/calendar in November, sees a mistyped form sent back with its
// message, removes a day again — and the page never overflows the screen. Set
// CALENDAR_SCREENSHOTS=<dir> to keep a PNG of each step.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CalendarDay } from '../../models/index.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser } from '../helpers/auth.js';
import { launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';

const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = process.env.CALENDAR_SCREENSHOTS;

async function fitsWidth(page: Page, step: string): Promise<void> {
  const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
  expect(width, `${step}: document width`).to.be.at.most(PHONE.width);
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `calendar-${step}.png`), fullPage: true });
}

describe('end to end: the working-day calendar on a phone', function () {
  this.timeout(180_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: BrowserSession | undefined;

  before(async () => {
    server = await startTestServer({ now: () => new Date('2026-11-20T02:00:00Z') });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin adds 2027 days, is shown a mistake with its message, removes a day; the page fits 390 px', async () => {
    const admin = await createTestUser({ role: 'admin' });
    browser = await launchBrowser();
    const { page } = browser;
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    await page.setViewportSize(PHONE);
    await signInOnLoginPage(page, server.baseUrl, admin);

    await page.goto(`${server.baseUrl}/admin/calendar`);
    expect(await page.locator('[data-missing-year="2027"]').isVisible()).to.equal(true);
    await fitsWidth(page, '1-2026');

    const add = async (day: string, kind: string, note: string) => {
      await page.getByLabel('日期', { exact: false }).first().fill(day);
      await page.getByLabel('安排', { exact: false }).selectOption({ label: kind });
      await page.getByLabel('说明', { exact: false }).fill(note);
      await page.getByRole('button', { name: '保存' }).click();
    };
    await add('2027-10-01', '放假', '国庆节');
    await page.waitForURL(/year=2027/);
    await add('2027-10-09', '上班（调休）', '国庆节调休上班');
    await page.waitForURL(/year=2027/);
    expect(await page.locator('tr[data-source="override"]').count()).to.equal(2);
    expect(await page.locator('[data-missing-year="2027"]').count()).to.equal(0);
    await fitsWidth(page, '2-2027');

    browser.expectDocumentStatus(422);
    await add('2027-10-02', '放假', '');
    expect(await page.locator('.field-error').first().textContent()).to.include('必填');
    await fitsWidth(page, '3-mistake');

    await page.locator('tr[data-day="2027-10-09"]').getByRole('button', { name: '删除' }).click();
    await page.waitForURL(/year=2027/);
    expect(await page.locator('tr[data-source="override"]').count()).to.equal(1);
    expect(await CalendarDay.find({}, { _id: 0, day: 1 }).lean()).to.deep.equal([{ day: '2027-10-01' }]);
    await fitsWidth(page, '4-removed');
    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
  });
});
