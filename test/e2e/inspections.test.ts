// End to end in Chromium: the inspection pages on a locked draw (test/integration/inspections/
// support.ts). A supervisor approves on a desktop and prints the notice; an inspector checks in
// with the code and records the findings on a 390 px phone; the other member confirms and
// submits on a desktop; the supervisor reviews and publishes on the phone. Every page is
// photographed at both widths (SCREENSHOTS_DIR, else a temporary folder, printed) and checked for
// horizontal overflow, raw message keys, console errors and CSP violations.
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser, type TestUser } from '../helpers/auth.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { describeItemA01, inspectorUser, lockedDraw, pageOf } from '../integration/inspections/support.js';

const SHOTS = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), `shuangsuiji-inspections-e2e-${process.pid}`);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const RAW_KEY = /\b(?:inspections?|error\.field|nav|start)\.[a-z][A-Za-z_]*(?:\.[A-Za-z_]+)+\b/;

describe('end to end: inspections on a desktop and a phone', function () {
  this.timeout(240_000);
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;
  let relay: { close(): Promise<void> } | undefined;
  const overflows: string[] = [];
  const leaks: string[] = [];

  after(async () => {
    await browser?.close();
    await server?.close();
    await relay?.close();
  });

  /** The page at both widths: a full-page PNG each, overflow and raw keys noted; back to `width`. */
  async function shoot(page: Page, name: string, back = DESKTOP): Promise<void> {
    for (const [size, tag] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as const) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(SHOTS, `${name}-${tag}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) {
        const culprit = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(-3).join(' '));
        overflows.push(`${name} at ${size.width}px overflows by ${overflow}px: ${culprit}`);
      }
    }
    const text = await page.evaluate(() => document.body.innerText);
    const leak = RAW_KEY.exec(text);
    if (leak) leaks.push(`${name}: ${leak[0]}`);
    await page.setViewportSize(back);
  }

  async function signInAs(page: Page, base: string, user: TestUser, start: string): Promise<void> {
    await page.context().clearCookies();
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill(user.username);
    await page.getByLabel('密码').fill(user.password);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForURL(`${base}${start}`);
  }

  it('approve, check in, findings, confirmations, submission and review through the browser', async () => {
    mkdirSync(SHOTS, { recursive: true });
    console.log(`      screenshots: ${SHOTS}`);
    const world = await lockedDraw();
    relay = world.relay;
    await describeItemA01();
    const first = world.inspections[0] as InspectionRecord;
    const [a, b] = first.team as [string, string];
    const chen = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG', username: 'e2e-chen-insp', displayName: '陈审核' });
    const inspectorA = await inspectorUser(a);
    const inspectorB = await inspectorUser(b);
    server = await startTestServer({ now: world.clock.now });
    const base = server.baseUrl;
    const path = pageOf(first._id);
    browser = await launchBrowser();
    browser.expectDocumentStatus(422);
    const { page } = browser;

    // Supervisor, desktop: the dashboard, the approval form, the notice.
    await page.setViewportSize(DESKTOP);
    await signInAs(page, base, chen, '/supervisor');
    await page.click('.site-header a[href="/inspections"]');
    await page.waitForURL(`${base}/inspections`);
    expect(await page.locator('[data-section="approval"]').getAttribute('data-count')).to.equal('5');
    await shoot(page, '01-supervisor-dashboard');
    await page.click(`a[href="${path}"]`);
    await page.waitForURL(`${base}${path}`);
    await shoot(page, '02-supervisor-approve');
    const approve = page.locator('form[data-form="approve"]');
    await approve.getByLabel('检查方式').selectOption('onsite');
    await approve.locator('button[type=submit]').click();
    await page.waitForSelector('[data-form="approve"] .field-error');
    expect(await page.locator('[data-form="approve"] .field-error').textContent()).to.contain('须说明理由');
    await shoot(page, '03-supervisor-approve-422');
    await page.locator('form[data-form="approve"]').getByLabel('审批意见').fill('需核对经营场所与登记是否一致');
    await page.locator('form[data-form="approve"] button[type=submit]').click();
    await page.waitForSelector('[data-check-code]');
    await shoot(page, '04-supervisor-approved');
    await page.click('a[data-document="notice"]');
    await page.waitForSelector('[data-qr] svg');
    await shoot(page, '05-notice');

    // Inspector A, phone: check in with the code, record the findings, confirm.
    const code = (await Inspection.findById(first._id).lean<InspectionRecord>())!.checkCode!;
    await page.setViewportSize(PHONE);
    await signInAs(page, base, inspectorA, '/inspector');
    await page.click('main a[href="/inspections"]');
    await page.waitForURL(`${base}/inspections`);
    await shoot(page, '06-inspector-list', PHONE);
    await page.click(`a[href="${path}"]`);
    await page.waitForURL(`${base}${path}`);
    await shoot(page, '07-inspector-check-in', PHONE);
    const checkIn = page.locator('form[data-form="check-in"]');
    await checkIn.getByLabel('检查码').fill(code.toLowerCase());
    await checkIn.locator('button[type=submit]').click();
    await page.waitForSelector('form[data-form="findings"]');
    const findings = page.locator('form[data-form="findings"]');
    await findings.getByLabel('现场检查', { exact: true }).check();
    await findings.locator('select[name="items.0.resultCategory"]').selectOption({ label: '未按规定公示应当公示的信息' });
    await findings.getByLabel('发现的问题').fill('未按期公示2025年度报告');
    await findings.getByLabel('处理情况').fill('当场责令限期公示');
    await findings.locator('select[name="items.0.followUp"]').selectOption({ label: '责令改正并跟踪' });
    await findings.getByLabel('整改期限').fill('2026-08-24');
    await shoot(page, '08-inspector-findings-form', PHONE);
    await findings.locator('button[type=submit]').click();
    await page.waitForSelector('#field-resultCategory-error');
    expect(await page.locator('#field-resultCategory-error').textContent()).to.contain('必填');
    expect(await page.locator('textarea[name="items.0.problems"]').inputValue()).to.equal('未按期公示2025年度报告');
    await shoot(page, '09-inspector-findings-422', PHONE);
    await page.locator('form[data-form="findings"] select[name="resultCategory"]').selectOption({ label: '未按规定公示应当公示的信息' });
    await page.locator('form[data-form="findings"] button[type=submit]').click();
    await page.waitForSelector('form[data-form="confirm"]');
    await page.locator('form[data-form="confirm"] button[type=submit]').click();
    await page.waitForSelector('[data-waiting]');
    await shoot(page, '10-inspector-confirmed', PHONE);

    // Inspector B, desktop: confirm and submit.
    await page.setViewportSize(DESKTOP);
    await signInAs(page, base, inspectorB, '/inspector');
    await page.goto(`${base}${path}`);
    await page.locator('form[data-form="confirm"] button[type=submit]').click();
    await page.waitForSelector('button[data-action="submit"]');
    await page.click('button[data-action="submit"]');
    await page.waitForSelector('[data-fact="state"][data-state="submitted"]');
    await shoot(page, '11-inspector-submitted');

    // Supervisor, phone: review and publish; the printed record.
    await page.setViewportSize(PHONE);
    await signInAs(page, base, chen, '/supervisor');
    await page.goto(`${base}${path}`);
    await shoot(page, '12-supervisor-review', PHONE);
    const review = page.locator('form[data-form="review"]');
    await review.getByLabel('通过并公示').check();
    await review.getByLabel('审核意见').fill('同意公示');
    await review.locator('button[type=submit]').click();
    await page.waitForSelector('[data-fact="state"][data-state="published"]');
    await shoot(page, '13-supervisor-published', PHONE);
    await page.goto(`${base}${path}?lang=en`);
    await shoot(page, '13-supervisor-published-en', PHONE);
    await page.goto(`${base}/inspections?view=due_soon`);
    await shoot(page, '13-supervisor-dashboard-en', PHONE);
    await page.goto(`${base}${path}?lang=zh-CN`);
    await page.click('a[data-document="record"]');
    await page.waitForSelector('[data-signature="approver"]');
    await shoot(page, '14-record', PHONE);
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SHOTS, '15-record-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    expect((await Inspection.findById(first._id).lean<InspectionRecord>())!.state).to.equal('published');
    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
    expect(overflows, overflows.join('\n')).to.deep.equal([]);
    expect(leaks, leaks.join('\n')).to.deep.equal([]);
  });
});
