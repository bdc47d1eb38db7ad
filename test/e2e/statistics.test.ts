// End to end in Chromium: the public statistics page draws its charts as SVG without
// JavaScript (a context with JavaScript disabled still shows every chart at its size), fits a
// 390 px phone, and an observer (执法监督) signs in on the login page, lands on its start page,
// reads another department's plan and the alerts, and is offered no action anywhere.
// Screenshots at 1280 px and 390 px go to STATISTICS_SCREENSHOTS (default /tmp/shots/statistics).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Page } from 'playwright-core';
import { createPlan } from '../../server/plans/plans.js';
import { startTestServer } from '../helpers/app.js';
import { CHROMIUM_PATH, DESKTOP, PHONE, documentWidth, launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';
import { createTestUser, ensureDepartment } from '../helpers/auth.js';
import { MARKER, seedStatistics } from '../integration/statistics/fixtures.js';
import { supervisor } from '../integration/plans/support.js';

const SHOTS = process.env.STATISTICS_SCREENSHOTS ?? '/tmp/shots/statistics';
const NOW = new Date('2026-11-30T04:00:00Z');

/** Desktop and phone screenshots of the current page; at 390 px nothing may overflow sideways. */
async function shots(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  expect(await documentWidth(page), `${name}: no horizontal overflow at 390 px`).to.be.at.most(PHONE.width);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
}

describe('end to end: statistics and the observer', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows every chart as SVG with JavaScript disabled, fitting a phone, in both languages', async () => {
    const world = await seedStatistics();
    server = await startTestServer({ now: () => NOW });
    // A browser with JavaScript off: the charts are in the HTML, drawn by the server.
    const noScript = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const context = await noScript.newContext({ javaScriptEnabled: false, locale: 'zh-CN', viewport: PHONE });
      const page = await context.newPage();
      const response = await page.goto(`${server.baseUrl}/statistics?year=2026`);
      expect(response?.status()).to.equal(200);
      const charts = page.locator('svg.chart[role="img"]');
      expect(await charts.count()).to.equal(6);
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox();
        expect(box?.width, 'a chart is drawn').to.be.greaterThan(200);
        expect(box!.width, 'and fits the phone').to.be.at.most(PHONE.width);
        expect(await chart.locator('title').count()).to.be.greaterThan(0);
      }
      expect(await page.locator('svg.chart rect.chart-bar').count()).to.be.greaterThan(0);
      expect(await page.locator('[data-stat="total"]').getAttribute('data-value')).to.equal(String(world.fixtures.length));
      expect(await page.content()).to.not.include(MARKER);
      await context.close();
    } finally {
      await noScript.close();
    }

    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(`${server.baseUrl}/statistics?year=2026`);
    await page.getByRole('heading', { level: 1, name: '抽查统计' }).waitFor();
    // The charts are images named by their titles for assistive technology.
    expect(await page.getByRole('img', { name: /每月检查结果数/ }).count()).to.equal(1);
    expect(await page.getByRole('img', { name: /按信用风险分类/ }).count()).to.equal(1);
    await shots(page, 'statistics');
    await page.goto(`${server.baseUrl}/statistics?year=2026&lang=en`);
    await page.getByRole('heading', { level: 1, name: 'Inspection statistics' }).waitFor();
    await shots(page, 'statistics-en');
    expect(browser.problems).to.deep.equal([]);
  });

  it('an observer signs in, reads another department\'s plan and the alerts, and is offered no action', async () => {
    await seedStatistics();
    await ensureDepartment('HJ-SFJ', '洪江区司法局');
    const plan = await createPlan({ year: 2026, number: '洪市监〔2026〕7号', name: '2026年度市场监管抽查计划', leadDepartment: 'HJ-SCJG', inspectionType: '日常', itemCodes: [] }, supervisor('chen'));
    const observer = await createTestUser({ role: 'observer', departmentCode: 'HJ-SFJ', displayName: '纪检组王某' });
    server = await startTestServer({ now: () => NOW });
    browser = await launchBrowser();
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signInOnLoginPage(page, server.baseUrl, observer);
    expect(new URL(page.url()).pathname).to.equal('/observer');
    await page.getByRole('heading', { level: 1, name: '执法监督' }).waitFor();
    const nav = page.getByRole('navigation', { name: /主导航|main/i });
    expect(await nav.getByRole('link', { name: '统计' }).count()).to.equal(1);
    expect(await nav.getByRole('link', { name: '执法监督' }).count()).to.equal(1);
    await shots(page, 'observer-start');

    await page.goto(`${server.baseUrl}/plans/${plan.planKey}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: '2026年度市场监管抽查计划' }).waitFor();
    // No button but signing out: an observer acts on nothing.
    const buttons = await page.locator('main button, main form[method="post"]').count();
    expect(buttons, 'buttons or forms offered to an observer').to.equal(0);
    await shots(page, 'observer-plan');

    await page.goto(`${server.baseUrl}/supervision/alerts?year=2026`);
    await page.getByRole('heading', { level: 1, name: '执法监督预警' }).waitFor();
    expect(await page.locator('main form[method="post"]').count()).to.equal(0);
    await shots(page, 'observer-alerts');
    expect(browser.problems).to.deep.equal([]);
  });
});
