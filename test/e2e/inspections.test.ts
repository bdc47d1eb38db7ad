// End to end in Chromium: the inspection pages on a locked draw (test/integration/inspections/
// support.ts). A supervisor approves on a desktop and prints the notice; an inspector checks in
// with the code and records the findings on a 390 px phone; the other member confirms and
// submits on a desktop; the supervisor reviews and publishes on the phone. Every page is
// photographed at both widths (SCREENSHOTS_DIR, else a temporary folder, printed) and checked for
// horizontal overflow, raw message keys, console errors and CSP violations. A second run: an 即时
// inspection created from its task page (新建检查), carried out first and approved afterwards,
// the team leader on the record, and a recusal listed on the draw's page.
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DrawRun } from '../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { startTestServer } from '../helpers/app.js';
import { createTestUser, type TestUser } from '../helpers/auth.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { describeItemA01, inspectorUser, lockedDraw, pageOf } from '../integration/inspections/support.js';
import { makeTask } from '../integration/plans/support.js';

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

  it('an 即时 inspection created from its task page, carried out first and approved afterwards; the leader on the record; the draw page lists a recusal', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await browser?.close();
    await server?.close();
    await relay?.close();
    const world = await lockedDraw();
    relay = world.relay;
    await describeItemA01();
    const drawn = world.inspections[0] as InspectionRecord;
    const task = await makeTask(world.chen, drawn.planKey!, { inspectionType: '即时', name: '食品安全投诉即时检查' });
    const entity = world.inspections[1] as InspectionRecord;
    const [leader, member] = drawn.team as [string, string];
    const chen = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG', username: 'e2e-chen-adhoc', displayName: '陈审核' });
    const inspectorA = await inspectorUser(leader);
    server = await startTestServer({ now: world.clock.now });
    const base = server.baseUrl;
    browser = await launchBrowser();
    browser.expectDocumentStatus(422);
    const { page } = browser;

    // Supervisor, desktop: the task page offers 新建检查; the form refuses a team of one, then creates the inspection.
    await page.setViewportSize(DESKTOP);
    await signInAs(page, base, chen, '/supervisor');
    await page.goto(`${base}/tasks/${task._id}`);
    await shoot(page, '20-adhoc-task-page');
    await page.click('a[data-action="new-inspection"]');
    await page.waitForSelector('form[data-form="ad-hoc"]');
    const form = page.locator('form[data-form="ad-hoc"]');
    await form.getByLabel('检查对象统一社会信用代码').fill(entity.creditCode);
    await form.getByLabel('检查组组长').selectOption(leader);
    await form.getByLabel('即时检查事由').fill('12345 热线投诉：销售过期食品，需立即核查');
    await shoot(page, '21-adhoc-form');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#field-members-error');
    expect(await page.locator('#field-members-error').textContent()).to.contain('检查组至少两人（含组长）');
    await shoot(page, '22-adhoc-form-422');
    await page.locator(`form[data-form="ad-hoc"] input[name="members"][value="${member}"]`).check();
    await page.locator('form[data-form="ad-hoc"] button[type=submit]').click();
    await page.waitForSelector('[data-fact="assigned"]');
    const made = (await Inspection.findOne({ taskId: task._id }).lean<InspectionRecord>())!;
    expect(made.team).to.deep.equal([leader, member]);
    await shoot(page, '23-adhoc-created');

    // Inspector (the leader), phone: no code before approval — checks in on certificates.
    await page.setViewportSize(PHONE);
    await signInAs(page, base, inspectorA, '/inspector');
    await page.goto(`${base}${pageOf(made._id)}`);
    await shoot(page, '24-adhoc-inspector-before-approval', PHONE);
    const late = page.locator('form[data-form="late-check-in"]');
    await late.getByLabel('原因').fill('紧急情况，先行检查');
    await late.locator('button[type=submit]').click();
    await page.waitForSelector('[data-fact="state"][data-state="checked_in"]');

    // Supervisor, phone: the dashboard counts it as awaiting approval afterwards; approve; the record says so and names the leader.
    await signInAs(page, base, chen, '/supervisor');
    await page.goto(`${base}/inspections`);
    expect(await page.locator('[data-section="approval_afterwards"]').getAttribute('data-count')).to.equal('1');
    await shoot(page, '25-adhoc-dashboard', PHONE);
    await page.goto(`${base}${pageOf(made._id)}`);
    await shoot(page, '26-adhoc-approve-afterwards', PHONE);
    const approve = page.locator('form[data-form="approve"]');
    await approve.getByLabel('检查方式').selectOption('desk');
    await approve.locator('button[type=submit]').click();
    await page.waitForSelector('[data-check-code]');
    expect(await page.locator('[data-fact="approval"]').textContent()).to.contain('事后审批');
    await page.goto(`${base}${pageOf(made._id)}/record`);
    expect(await page.locator('[data-signature="leader"]').textContent()).to.contain('检查组组长');
    await shoot(page, '27-adhoc-record', PHONE);

    // A recusal on the drawn inspection, then the draw's page lists it.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}${pageOf(drawn._id)}`);
    await page.locator('details:has(form[data-form="entity-recusal"]) summary').click();
    const recusal = page.locator('form[data-form="entity-recusal"]');
    await recusal.locator('select[name="recusalInspector"]').selectOption(leader);
    await recusal.getByLabel('回避理由').fill('企业申请：组长系其股东亲属');
    await recusal.locator('button[type=submit]').click();
    await page.waitForSelector('[data-recusals]');
    await shoot(page, '28-recused-inspection');
    const run = (await DrawRun.findOne({ key: world.runKey }).lean())!;
    await page.goto(`${base}/tasks/${drawn.taskId}/runs/${run._id}`);
    await page.waitForSelector('[data-recusal="1"]');
    expect(await page.locator('[data-recusal="1"]').textContent()).to.contain('企业申请：组长系其股东亲属').and.contain('被检查单位申请');
    await shoot(page, '29-run-recusals');

    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
    expect(overflows, overflows.join('\n')).to.deep.equal([]);
    expect(leaks, leaks.join('\n')).to.deep.equal([]);
  });
});
