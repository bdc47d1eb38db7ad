// End to end in Chromium, the enterprise's side of an inspection: after the visit the entity opens
// the public page with the reply code printed on its record (typed as people copy it), sees the
// submitted findings, rates the inspection anonymously and states its case (陈述申辩); the reviewer
// finds approval held up by the unanswered statement, answers it (not accepted, with reasons) and
// approves; the publication snapshot and the public result page (/results/:id) say that a
// statement was made and was not accepted; the entity reads the answer with its code. The rating
// is seen by the reviewer and never by the team member. No page needs JavaScript for any of it.
// Every page is photographed at 1280 and 390 px (SCREENSHOTS_DIR, else a temporary folder).
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { createTestUser } from '../helpers/auth.js';
import { launchBrowser, signInOnLoginPage, type BrowserSession } from '../helpers/browser.js';
import { submitted } from '../integration/inspections/progress.js';
import { inspectorUser, lockedDraw, type LockedDraw } from '../integration/inspections/support.js';
import { appWith, STATEMENT_DAYS } from '../integration/enterprise/support.js';

const SHOTS = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), `shuangsuiji-enterprise-e2e-${process.pid}`);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const RAW_KEY = /\b(?:reply|statement|rating|inspections?|error\.field)\.[a-z][A-Za-z_]*(?:\.[A-Za-z_]+)*\b/;
const STATEMENT = '我公司已于7月20日补报年度报告，附回执。';
const REASONS = '补报时间晚于法定公示期限，检查结果事实清楚。';
const COMMENT = '出示证件规范，讲解清楚 marker-e2e-rating';

describe('end to end: the enterprise rates and states its case, the reviewer answers, the result shows it', function () {
  this.timeout(240_000);
  let world: LockedDraw | undefined;
  let server: Server | undefined;
  let browser: BrowserSession | undefined;
  const overflows: string[] = [];
  const leaks: string[] = [];

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => { if (!server) return resolve(); server.close(() => resolve()); server.closeAllConnections(); });
    await world?.relay.close();
  });

  async function shoot(page: Page, name: string, back = PHONE): Promise<void> {
    for (const [size, tag] of [[DESKTOP, 'desktop'], [PHONE, 'phone']] as const) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(SHOTS, `${name}-${tag}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) overflows.push(`${name} at ${size.width}px overflows by ${overflow}px`);
    }
    const leak = RAW_KEY.exec(await page.evaluate(() => document.body.innerText));
    if (leak) leaks.push(`${name}: ${leak[0]}`);
    await page.setViewportSize(back);
  }

  it('through the reply code, the reviewer\'s answer and the publication', async () => {
    await mkdir(SHOTS, { recursive: true });
    world = await lockedDraw();
    world.settings = { ...world.settings, statementWorkingDays: STATEMENT_DAYS };
    const first = world.inspections[0]!;
    await submitted(world, first); // the team's part: checked in, findings confirmed and submitted
    const replyCode = (await Inspection.findById(first._id).lean<InspectionRecord>())!.reply!.code!;
    const app = appWith(world);
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const reviewer = await createTestUser({ role: 'supervisor', departmentCode: 'HJ-SCJG', displayName: '陈审核' });
    const member = await inspectorUser(first.team[0]!);

    browser = await launchBrowser();
    browser.expectDocumentStatus(409);
    const { page } = browser;
    await page.setViewportSize(PHONE);

    // The entity, on its phone, from the check page to the reply-code form.
    await page.goto(`${base}/check`);
    await page.getByRole('link', { name: '查看检查结果、陈述申辩、评价本次检查' }).click();
    await page.waitForURL(`${base}/check/reply`);
    await shoot(page, '01-reply-form');
    await page.getByLabel('回执码').fill(replyCode.toLowerCase().replace(/(.{4})(?=.)/g, '$1-'));
    await page.getByRole('button', { name: '打开' }).click();
    await page.getByRole('heading', { level: 1, name: '本单位的检查' }).waitFor();
    expect(page.url(), 'the code never goes into the address').to.equal(`${base}/check/reply`);
    expect(await page.locator('[data-list="findings"] [data-item="A01"]').innerText()).to.include('未按期公示年报');
    expect(await page.locator('[data-section="reply-statement"]').innerText()).to.include('2026-07-31');
    await shoot(page, '02-reply-page');

    // Rates anonymously…
    for (const [aspect, score] of [['lawful', 5], ['courteous', 4], ['clear', 2], ['unobtrusive', 3]] as const) {
      await page.locator(`fieldset#field-${aspect} input[value="${score}"]`).check();
    }
    await page.getByLabel('意见建议（选填）').fill(COMMENT);
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('谢谢：您的评价已匿名记录。').waitFor();
    expect(await page.locator('[data-fact="rated"]').count()).to.equal(1);

    // …and states its case.
    await page.getByLabel('陈述申辩内容').fill(STATEMENT);
    await page.getByRole('button', { name: '提交陈述申辩' }).click();
    await page.getByText('已收到您的陈述申辩。').waitFor();
    expect(await page.locator('[data-fact="statement-text"]').innerText()).to.equal(STATEMENT);
    await shoot(page, '03-reply-stated');

    // The team member sees the statement on the inspection page, never the rating.
    await page.context().clearCookies();
    await signInOnLoginPage(page, base, member);
    await page.goto(`${base}/inspections/${encodeURIComponent(first._id)}`);
    expect(await page.locator('[data-section="enterprise"]').innerText()).to.include(STATEMENT);
    expect(await page.content()).to.not.include('marker-e2e-rating');
    await shoot(page, '04-team-page');
    await page.goto(`${base}/inspections/${encodeURIComponent(first._id)}/record`);
    expect(await page.locator('[data-reply-code]').innerText()).to.include(replyCode.replace(/(.{4})(?=.)/g, '$1-'));
    await shoot(page, '04-record-with-reply-code', DESKTOP);

    // The reviewer, on a desktop: approval is held up until the statement is answered.
    await page.context().clearCookies();
    await page.setViewportSize(DESKTOP);
    await signInOnLoginPage(page, base, reviewer);
    await page.goto(`${base}/inspections/${encodeURIComponent(first._id)}`);
    const side = page.locator('[data-section="enterprise"]');
    expect(await side.innerText()).to.include(STATEMENT).and.include('marker-e2e-rating');
    await shoot(page, '05-reviewer-page', DESKTOP);
    await page.locator('form[data-form="review"] input[name="decision"][value="approve"]').check();
    await page.locator('[data-action="review"]').click();
    await page.locator('[data-refusal]').waitFor();
    expect(await page.locator('[data-refusal]').innerText()).to.include('陈述申辩');
    expect((await Inspection.findById(first._id).lean<InspectionRecord>())!.state).to.equal('submitted');

    await page.locator('form[data-form="statement-answer"] input[value="not_accepted"]').check();
    await page.getByLabel('理由').fill(REASONS);
    await page.getByRole('button', { name: '提交答复' }).click();
    await page.getByText('已记录对陈述申辩的答复。').waitFor();
    await page.locator('form[data-form="review"] input[name="decision"][value="approve"]').check();
    await page.locator('[data-action="review"]').click();
    await page.locator('[data-state="published"]').waitFor();
    await shoot(page, '06-reviewer-published', DESKTOP);

    // The frozen publication and the public result page say so — not the statement's words.
    const published = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect((published.publication as { statement: unknown }).statement).to.deep.equal({ made: true, decision: 'not_accepted', answeredOn: '2026-07-24' });
    await page.context().clearCookies();
    await page.setViewportSize(PHONE);
    const result = await page.goto(`${base}/results/${encodeURIComponent(first._id)}`);
    expect(result?.status()).to.equal(200);
    const statementOnResult = page.locator('[data-section="statement"] [data-fact="statement"]');
    expect(await statementOnResult.getAttribute('data-decision')).to.equal('not_accepted');
    expect(await statementOnResult.innerText()).to.include('不予采纳');
    expect(await page.content()).to.not.include(STATEMENT).and.not.include(REASONS).and.not.include('marker-e2e-rating');
    await shoot(page, '07-public-result');

    // The entity reads the answer with its code (in English this time).
    await page.goto(`${base}/check/reply?lang=en`);
    await page.getByLabel('Reply code').fill(replyCode);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('[data-fact="answer"][data-decision="not_accepted"]').waitFor();
    expect(await page.locator('[data-fact="answer-reasons"]').innerText()).to.equal(REASONS);
    expect(await page.locator('[data-phase="published"]').count()).to.equal(1);
    await shoot(page, '08-reply-answered-en');

    expect(overflows, 'horizontal overflow').to.deep.equal([]);
    expect(leaks, 'raw message keys').to.deep.equal([]);
    expect(browser.problems).to.deep.equal([]);
    console.log(`    screenshots: ${SHOTS}`);
  });
});
