// Issue 13, acceptance 4: axe-core (@axe-core/playwright, on Debian's Chromium through
// playwright-core) reports no serious or critical WCAG 2.1 A/AA violation on the public pages,
// and no public page overflows horizontally on a 390 px phone. The pages are not a hand-written
// list: every public GET route of the access table that answers an HTML page is visited, with
// its parameters filled from a world with published, corrected and unpublished data
// (test/integration/open-data/public-world.ts), in both languages, at 1280 px and at 390 px.
// Set PUBLIC_A11Y_SCREENSHOTS=<dir> to keep a screenshot of every page at both widths.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { publicGetRoutes, publicWorld, urlsOf, type PublicWorld } from '../integration/open-data/public-world.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = process.env.PUBLIC_A11Y_SCREENSHOTS;
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** For each public route, the first filled URL that answers an HTML page (some ids belong to other routes). */
async function htmlPages(baseUrl: string, world: PublicWorld): Promise<string[]> {
  const pages: string[] = [];
  for (const route of publicGetRoutes()) {
    for (const url of urlsOf(route, world.params)) {
      const res = await fetch(`${baseUrl}${url}`);
      const html = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html');
      await res.arrayBuffer();
      if (html) { pages.push(url); break; }
    }
  }
  return pages;
}

async function seriousViolations(page: Page, url: string, width: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${url} (${width}) [${v.impact}] ${v.id}: ${n.target.join(' ')} — ${v.help}`));
}

describe('end to end: the public pages are accessible and fit a phone', function () {
  this.timeout(600_000);
  let world: PublicWorld | undefined;
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    await world?.relay.close();
  });

  it('every public HTML page, in zh-CN and English, has no serious or critical axe violation at 1280 px and 390 px, and no overflow at 390 px', async () => {
    world = await publicWorld();
    server = await startTestServer({ now: world.clock.now });
    const baseUrl = server.baseUrl;
    const pages = await htmlPages(baseUrl, world);
    // Pages reached through forms and filters as well as the bare routes.
    const urls = [
      ...pages, ...pages.map((url) => `${url}${url.includes('?') ? '&' : '?'}lang=en`),
      `/results?q=${encodeURIComponent(world.published.entityName)}`, '/results?from=2026-13-01', '/open-data?year=abc',
      `/inspectors?name=${encodeURIComponent('测试')}`,
    ];
    expect(pages.length, 'public HTML pages found').to.be.greaterThan(10);
    browser = await launchBrowser();
    browser.expectDocumentStatus(422);
    const { page } = browser;
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    const violations: string[] = [];
    const overflowing: string[] = [];
    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await page.setViewportSize(viewport);
      for (const url of urls) {
        await page.goto(`${baseUrl}${url}`);
        violations.push(...(await seriousViolations(page, url, width)));
        if (width === 'phone') {
          const scrollWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth);
          if (scrollWidth > PHONE.width) overflowing.push(`${url}: ${scrollWidth} px`);
        }
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${width}-${url.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80)}.png`), fullPage: true });
      }
    }
    // One assertion, so that a failure lists every kind of problem at once.
    expect({ violations, overflowing, problems: browser.problems }, 'serious or critical axe violations; pages wider than a 390 px phone; console errors').to.deep.equal({ violations: [], overflowing: [], problems: [] });
  });
});
