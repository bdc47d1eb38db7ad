// End to end in Chromium: the main public and back-office pages laid out on a phone (390×844)
// and on a desktop (1280×900) — no horizontal overflow, a header (with its navigation) no
// taller than a quarter of the screen, the navigation reachable, and no console error or CSP
// violation. Set PHONE_LAYOUT_SCREENSHOTS=<dir> to keep a full-page PNG of every page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { loadWorld } from '../../server/demo/load-world.js';
import { MarketEntity, Inspector } from '../../models/index.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser } from '../helpers/auth.js';
import { launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = process.env.PHONE_LAYOUT_SCREENSHOTS;

interface Measure {
  scrollWidth: number;
  headerHeight: number;
  navHeight: number;
}

/** The page's layout facts: document width, and the heights of the header and of the visible nav. */
async function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const header = document.querySelector('.site-header');
    const nav = document.querySelector('.site-header nav');
    return {
      scrollWidth: document.scrollingElement!.scrollWidth,
      headerHeight: header ? header.getBoundingClientRect().height : Infinity,
      navHeight: nav ? nav.getBoundingClientRect().height : Infinity,
    };
  });
}

describe('end to end: phone and desktop layout', function () {
  this.timeout(180_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: BrowserSession | undefined;

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the main public and back-office pages fit a 390 px phone and a 1280 px desktop without overflow or a tall header', async () => {
    await loadWorld({ seed: 'layout', entities: 40, inspectors: 12, asOf: '2026-11-27' });
    const admin = await createTestUser({ role: 'admin', displayName: '版式测试管理员' });
    const entity = await MarketEntity.findOne({}).sort({ creditCode: 1 }).lean();
    const inspector = await Inspector.findOne({}).sort({ inspectorId: 1 }).lean();
    const publicPages = ['/', '/items', '/inspectors', `/inspectors?name=${encodeURIComponent(inspector!.name)}`, '/verify', '/draw-spec', '/login'];
    const adminPages = [
      '/', '/admin/entities', `/admin/entities/${entity!.creditCode}`, '/admin/inspectors', `/admin/inspectors/${inspector!.inspectorId}`,
      '/admin/items', '/admin/items/A01/edit', '/admin/dictionaries', '/admin/imports', '/admin/users',
    ];
    browser = await launchBrowser();
    const { page } = browser;
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    const failures: string[] = [];

    const check = async (who: string, path: string) => {
      for (const viewport of [PHONE, DESKTOP]) {
        await page.setViewportSize(viewport);
        const response = await page.goto(`${server.baseUrl}${path}`);
        expect(response?.status(), `${who} ${path}`).to.equal(200);
        const m = await measure(page);
        const where = `${who} ${path} at ${viewport.width}×${viewport.height}`;
        if (m.scrollWidth > viewport.width) failures.push(`${where}: document is ${m.scrollWidth} px wide`);
        if (m.headerHeight > viewport.height / 4) failures.push(`${where}: header is ${Math.round(m.headerHeight)} px tall`);
        if (m.navHeight > viewport.height / 4) failures.push(`${where}: navigation is ${Math.round(m.navHeight)} px tall`);
        if (SCREENSHOTS) {
          const name = `${viewport.width}-${who}${path.replace(/[^a-z0-9]+/gi, '_')}.png`;
          await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
        }
      }
    };

    for (const path of publicPages) await check('anonymous', path);

    await page.setViewportSize(PHONE);
    await signInOnLoginPage(page, server.baseUrl, admin);
    for (const path of adminPages) await check('admin', path);

    expect(failures, failures.join('\n')).to.deep.equal([]);

    // On the phone every destination is still one tap away (the menu opens without JavaScript
    // support needed: it is a <details>), and the opened menu fits the width.
    await page.setViewportSize(PHONE);
    await page.goto(`${server.baseUrl}/admin/items`);
    await page.locator('.site-header summary').click();
    await page.getByRole('link', { name: '名录导入', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/admin/imports`);
    await page.locator('.site-header summary').click();
    expect((await measure(page)).scrollWidth).to.be.at.most(PHONE.width);

    // On the desktop the navigation is laid out in full, no menu button to press.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.baseUrl}/`);
    expect(await page.locator('.site-header summary').isVisible()).to.equal(false);
    expect(await page.getByRole('link', { name: '抽查事项清单', exact: true }).first().isVisible()).to.equal(true);

    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
  });
});
