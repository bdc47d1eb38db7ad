// End to end in Chromium on a 390 px phone: someone at the door opens the check page from an
// inspection's code (the address a QR code on the notice holds), and types a code on the form
// (lower case, with dashes) — the genuine page, the not-confirmed page and the English page fit
// the screen, say their verdict in words, and raise no console error or CSP violation.
// Set CHECK_PAGE_SCREENSHOTS=<dir> to keep a full-page PNG of each.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { Department, InspectionItem } from '../../models/index.js';
import { formatCheckCode, newCheckCode } from '../../server/inspections/approval.js';
import { startTestServer } from '../helpers/app.js';
import { PHONE, documentWidth, launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { approved } from '../integration/inspections/progress.js';
import { lockedDraw, type LockedDraw } from '../integration/inspections/support.js';

const SCREENSHOTS = process.env.CHECK_PAGE_SCREENSHOTS;

describe('end to end: the public check page on a phone', function () {
  this.timeout(120_000);
  let world: LockedDraw;
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    await world?.relay.close();
  });

  it('opens the genuine page from the code, types a code on the form, and shows a forged one as not confirmed', async () => {
    world = await lockedDraw();
    await Department.create({ code: 'HJ-SCJG', name: '怀化市洪江区市场监督管理局', level: '县' });
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { name: '企业登记事项及公示信息情况的检查', legalBasis: '《企业信息公示暂行条例》第八条、第十四条；《市场主体登记管理条例》第三十九条' } });
    const inspection = world.inspections[0]!;
    const code = formatCheckCode((await approved(world, inspection)).checkCode!);
    server = await startTestServer({ now: world.clock.now });
    browser = await launchBrowser();
    browser.expectDocumentStatus(404);
    const { page } = browser;
    await page.setViewportSize(PHONE);
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
    const shot = async (name: string) => {
      expect(await documentWidth(page), `${name}: no horizontal overflow`).to.be.at.most(PHONE.width);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `check-${name}.png`), fullPage: true });
    };

    // The address on the notice, as a phone's camera opens it.
    const direct = await page.goto(`${server.baseUrl}/check/${code}`);
    expect(direct?.status()).to.equal(200);
    await page.getByRole('heading', { level: 1, name: /核验通过/ }).waitFor();
    expect(await page.locator('[data-verdict="genuine"] [data-field="entity"]').innerText()).to.equal(inspection.entityName);
    expect(await page.locator('[data-list="team"] > li').count()).to.equal(2);
    expect(await page.locator('[data-validity="valid"]').count()).to.equal(2);
    await shot('genuine');

    // Typed on the form, as people copy it from paper.
    await page.goto(`${server.baseUrl}/check`);
    await shot('form');
    await page.getByLabel('检查码').fill(code.toLowerCase());
    await page.getByRole('button', { name: '核验' }).click();
    await page.waitForURL(`${server.baseUrl}/check/${code}`);
    await page.getByRole('heading', { level: 1, name: /核验通过/ }).waitFor();

    // A forged code: the same page for any code that does not confirm an inspection under way.
    await page.goto(`${server.baseUrl}/check/${formatCheckCode(newCheckCode())}`);
    await page.getByRole('heading', { level: 1, name: /未通过核验/ }).waitFor();
    expect(await page.getByText('请不要让其入内检查').count()).to.equal(1);
    await shot('not-confirmed');

    await page.goto(`${server.baseUrl}/check/${code}?lang=en`);
    await page.getByRole('heading', { level: 1, name: /Confirmed: a genuine inspection/ }).waitFor();
    await shot('genuine-en');

    expect(browser.problems).to.deep.equal([]);
  });
});
