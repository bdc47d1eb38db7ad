// End to end in Chromium: a member of the public opens the verification page of a drawn task
// (with a recusal) and presses "verify": the browser downloads the record and re-runs the draw
// with the bundled engine against the published announcement digest → match. The record
// downloaded from the page verifies with `npm run verify-draw`; tampered, the CLI reports the
// mismatch, and uploaded on the page the first difference is shown in zh-CN and in English.
// With SCREENSHOTS_DIR set, the page is photographed at 1280 and 390 px wide.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowserBundle } from '../../scripts/build-browser.js';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { runScript } from '../helpers/run-script.js';
import { drawnWorld, lockAndRecuse, type DrawnWorld } from '../integration/announcements/support.js';

const SHOTS = process.env.SCREENSHOTS_DIR;

/** With SCREENSHOTS_DIR: the page at phone and desktop widths; fails on horizontal overflow. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [width, height, tag] of [[390, 844, 'phone'], [1280, 900, 'desktop']] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} overflows at ${width}px`).to.equal(0);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${tag}.png`), fullPage: true });
  }
}

describe('end to end: the verification page of a draw', function () {
  this.timeout(180_000);
  let world: DrawnWorld;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: BrowserSession | undefined;
  const folder = mkdtempSync(join(tmpdir(), 'shuangsuiji-draw-page-'));

  before(async () => {
    await buildBrowserBundle();
  });

  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
    await server?.close();
    await world?.relay.close();
  });

  it('verify → match in the browser; the downloaded record passes the CLI, tampered fails it, and on the page shows the first difference in zh-CN and English', async () => {
    world = await drawnWorld();
    const recusal = await lockAndRecuse(world);
    server = await startTestServer({ now: world.clock.now, draws: world.settings });
    const digest = world.announcement.digest;
    browser = await launchBrowser();
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });

    // From the list of announcements to the task's announcement to the draw's page.
    await page.goto(`${server.baseUrl}/announcements`);
    await shoot(page, '00-announcements');
    await page.click('[data-link="draw-page"]');
    await page.waitForURL(`${server.baseUrl}${world.page}`);
    expect(await page.locator('[data-fact="announcement-digest"]').first().textContent()).to.contain(digest);
    expect(await page.locator(`[data-recusal="1"]`).textContent()).to.contain(recusal.replacement);
    await shoot(page, '01-draw-page');

    // Verify: the browser fetches the record and re-runs the draw; the page does not navigate.
    await page.click('[data-action="verify"]');
    const ok = page.locator('#draw-verify-result [data-verdict="ok"]');
    await ok.waitFor();
    expect(page.url()).to.equal(`${server.baseUrl}${world.page}`);
    expect(await ok.locator('h3').textContent()).to.equal('验证通过：重新计算的结果与抽取记录完全一致');
    expect(await ok.locator('[data-field="by"]').textContent()).to.contain('已在您的浏览器中重新计算');
    expect(await ok.locator('[data-field="announcementDigest"]').textContent()).to.equal(digest);
    expect(await ok.locator('[data-field="recusals"]').textContent()).to.equal('1');
    await shoot(page, '02-verified');

    // The record for the offline CLI.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-record]')]);
    const genuine = join(folder, 'draw-1.json');
    await download.saveAs(genuine);
    expect(await page.locator('[data-cli]').textContent()).to.contain(`--announcement-digest ${digest}`);
    const passes = await runScript('verify-draw.ts', [genuine, '--announcement-digest', digest], {});
    expect(passes.code, passes.stdout + passes.stderr).to.equal(0);
    expect(passes.stdout).to.contain('VERDICT: MATCH');
    expect(passes.stdout).to.contain('1 recusals');

    // Tampered: the first pick swapped for the first alternate.
    const record = JSON.parse(readFileSync(genuine, 'utf8')) as { strata: Array<{ selected: string[]; alternates: string[] }> };
    const stratum = record.strata[0]!;
    const expected = stratum.selected[0]!;
    stratum.selected[0] = stratum.alternates[0]!;
    const tampered = join(folder, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(record, null, 2));
    const fails = await runScript('verify-draw.ts', [tampered, '--announcement-digest', digest], {});
    expect(fails.code, fails.stdout + fails.stderr).to.equal(1);
    expect(fails.stdout).to.contain('VERDICT: MISMATCH at strata[0].selected[0] [MISMATCH]');

    // The tampered record checked on the page, in zh-CN, then in English.
    for (const [lang, texts] of [
      ['zh-CN', { heading: '验证未通过', code: '重新计算的结果与记录不同', by: '未上传' }],
      ['en', { heading: 'Verification failed', code: 'the recomputation differs from the record', by: 'nothing was uploaded' }],
    ] as const) {
      await page.goto(`${server.baseUrl}${world.page}?lang=${lang}`);
      await page.setInputFiles('#field-record', tampered);
      await page.click('[data-action="verify-upload"]');
      const fail = page.locator('#draw-verify-result [data-verdict="fail"]');
      await fail.waitFor();
      expect(page.url()).to.equal(`${server.baseUrl}${world.page}?lang=${lang}`);
      expect(await fail.locator('h3').textContent()).to.equal(texts.heading);
      expect(await fail.locator('[data-field="codeText"]').textContent()).to.equal(texts.code);
      expect(await fail.locator('[data-field="by"]').textContent()).to.contain(texts.by);
      expect(await fail.locator('[data-field="path"]').textContent()).to.equal('strata[0].selected[0]');
      expect(await fail.locator('[data-field="expected"]').textContent()).to.equal(JSON.stringify(expected));
      expect(await fail.locator('[data-field="actual"]').textContent()).to.equal(JSON.stringify(stratum.selected[0]));
      await shoot(page, `03-tampered-${lang}`);
    }
    expect(browser.problems).to.deep.equal([]);
  });
});
