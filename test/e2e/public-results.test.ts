// End to end in Chromium, without signing in: a visitor searches the published results by part
// of an entity's name and by its credit code, opens the entity's page and one result, and
// switches to English — at desktop (1280 px) and phone (390 px) widths, with no horizontal
// overflow, no serious or critical axe-core violation, no console error or CSP violation, and
// nothing of the unpublished inspections.
// Set PUBLIC_RESULTS_SCREENSHOTS=<dir> to keep a full-page PNG of each step.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import { startTestServer } from '../helpers/app.js';
import { createTestUser } from '../helpers/auth.js';
import { DESKTOP, PHONE, documentWidth, launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';
import { MARKER, resultsWorld, type ResultsWorld } from '../integration/results/support.js';

const WIDTHS = { desktop: DESKTOP, phone: PHONE } as const;
const SCREENSHOTS = process.env.PUBLIC_RESULTS_SCREENSHOTS;

describe('end to end: the public results', function () {
  this.timeout(180_000);
  let world: ResultsWorld;
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    await world?.relay.close();
  });

  for (const [device, viewport] of Object.entries(WIDTHS)) {
    it(`on a ${device}: searches by name and by credit code, opens an entity and a result, switches language`, async () => {
      world = await resultsWorld();
      const target = world.shown[0]!;
      const name = target.entityName as string;
      server = await startTestServer({ now: world.clock.now });
      browser = await launchBrowser();
      const { page } = browser;
      await page.setViewportSize(viewport);
      if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
      const shot = async (step: string) => {
        expect(await documentWidth(page), `${device} ${step}: no horizontal overflow`).to.be.at.most(viewport.width);
        expect(await page.content(), `${device} ${step}: nothing unpublished`).not.to.include(MARKER);
        const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${device} ${step}: axe`).to.deep.equal([]);
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${device}-${step}.png`), fullPage: true });
      };

      await page.goto(`${server.baseUrl}/`);
      await page.getByRole('heading', { level: 2, name: '最新抽查结果' }).waitFor();
      await shot('01-home');

      // By part of the name, from the results page's own form.
      await page.goto(`${server.baseUrl}/results`);
      await shot('02-results');
      await page.getByLabel('市场主体名称或统一社会信用代码').fill(name.slice(0, 4));
      await page.getByRole('button', { name: '查询' }).click();
      await page.waitForURL(/\/results\?q=/);
      expect(await page.locator(`tr[data-result="${target._id}"]`).count()).to.equal(1);
      await shot('03-search-name');

      // By credit code, typed in lower case: the shareable URL finds exactly that entity.
      await page.getByLabel('市场主体名称或统一社会信用代码').fill(target.creditCode.toLowerCase());
      await page.getByRole('button', { name: '查询' }).click();
      await page.waitForURL(new RegExp(`q=${target.creditCode.toLowerCase()}`));
      expect(await page.locator('tr[data-result]').count()).to.equal(1);
      const shared = page.url();
      await shot('04-search-code');

      // The entity, then the result.
      await page.getByRole('link', { name }).first().click();
      await page.waitForURL(`${server.baseUrl}/entities/${target.creditCode}`);
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await shot('05-entity');
      await page.locator(`tr[data-result="${target._id}"] a[data-category]`).click();
      await page.getByRole('heading', { level: 2, name: '各抽查事项的检查结果' }).waitFor();
      expect(await page.locator('[data-fact="creditCode"]').innerText()).to.equal(target.creditCode);
      await shot('06-result');

      // English, kept across pages; the shared search link reads in English too.
      await page.getByRole('contentinfo').getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { level: 2, name: 'Result per inspection item' }).waitFor();
      await shot('07-result-en');
      await page.goto(shared);
      await page.getByRole('heading', { level: 1, name: /Inspection results/ }).waitFor();
      expect(await page.locator('tr[data-result]').count()).to.equal(1);
      await shot('08-search-en');
      await page.goto(`${server.baseUrl}/plan-announcements`);
      await page.getByRole('heading', { level: 1, name: /Published inspection plans/ }).waitFor();
      await shot('09-plans-en');

      expect(browser.problems).to.deep.equal([]);
    });
  }

  it('a supervisor withdraws a published result from the inspection page (a reason is required); it leaves the public pages', async () => {
    world = await resultsWorld();
    const target = world.shown[0]!;
    server = await startTestServer({ now: world.clock.now });
    browser = await launchBrowser();
    browser.expectDocumentStatus(422);
    const { page } = browser;
    await page.setViewportSize(WIDTHS.phone);
    const chen = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG', username: 'e2e-chen-withdraw', displayName: '陈审核' });
    await signInOnLoginPage(page, server.baseUrl, chen);
    await page.goto(`${server.baseUrl}/inspections/${encodeURIComponent(target._id)}`);
    const form = page.locator('form[data-form="withdraw"]');
    await form.getByRole('button', { name: '撤回公示' }).click();
    await page.locator('#field-withdrawReason-error').waitFor();
    expect(await documentWidth(page)).to.be.at.most(WIDTHS.phone.width);
    if (SCREENSHOTS) await page.locator('[data-section="withdraw"]').screenshot({ path: join(SCREENSHOTS, 'phone-10-withdraw-422.png') });
    await form.getByLabel('撤回理由').fill('市场主体名称登记有误，核实后重新公示');
    await form.getByRole('button', { name: '撤回公示' }).click();
    await page.locator('[data-section="withdrawn"]').waitFor();
    expect(await page.locator('[data-fact="withdrawal-reason"]').innerText()).to.equal('市场主体名称登记有误，核实后重新公示');
    if (SCREENSHOTS) await page.locator('[data-section="withdrawn"]').screenshot({ path: join(SCREENSHOTS, 'phone-11-withdrawn.png') });
    const anonymous = await fetch(`${server.baseUrl}/results`).then((r) => r.text());
    expect(anonymous).to.include(`data-result="${world.shown[1]!._id}"`).and.not.include(`data-result="${target._id}"`);
    expect((await fetch(`${server.baseUrl}/results/${encodeURIComponent(target._id)}`)).status).to.equal(404);
    expect(browser.problems).to.deep.equal([]);
  });
});
