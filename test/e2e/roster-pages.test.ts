// End to end in Chromium: the public roster pages, then an administrator working through the
// entity and inspector rosters (filter, detail, a rejected edit, a saved edit, deactivation) —
// with no console error and no Content-Security-Policy violation on any page.
import { expect } from 'chai';
import { createAdmin } from '../../server/auth/users.js';
import { loadWorld } from '../../server/demo/load-world.js';
import { MarketEntity, Inspector } from '../../models/index.js';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';

describe('end to end: roster pages', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let baseUrl: string;
  let browser: BrowserSession | undefined;

  before(async () => {
    server = await startTestServer();
    baseUrl = server.baseUrl;
  });

  after(async () => {
    await browser?.close();
    await server.close();
  });

  it('public lookup and the admin roster workflow run cleanly in the browser', async () => {
    await loadWorld({ seed: 'e2e', entities: 60, inspectors: 12, asOf: '2026-11-27' });
    await createAdmin({ username: 'roster-admin', displayName: '名录管理员', departmentCode: 'HJ-SCJG', password: 'Roster-admin-passphrase' }, 'e2e test');
    const entity = await MarketEntity.findOne({ status: '存续' }).sort({ creditCode: 1 }).lean();
    const inspector = await Inspector.findOne({}).sort({ inspectorId: 1 }).lean();
    browser = await launchBrowser();
    browser.expectDocumentStatus(422);
    const { page } = browser;

    // The public: the item list and the certified-inspector lookup.
    await page.goto(`${baseUrl}/items`);
    expect(await page.locator('tr[data-item]').count()).to.equal(12);
    await page.goto(`${baseUrl}/inspectors`);
    await page.getByLabel('执法证号').fill(inspector!.certificates[0]!.number);
    await page.getByRole('button', { name: '查询' }).click();
    expect(await page.locator('tbody tr').count()).to.equal(1);
    expect(await page.locator('tbody').innerText()).to.include(inspector!.name);

    // An administrator signs in and edits an entity.
    await page.goto(`${baseUrl}/admin/entities`);
    await page.getByLabel('用户名').fill('roster-admin');
    await page.getByLabel('密码').fill('Roster-admin-passphrase');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${baseUrl}/admin/entities`);
    await page.getByLabel('名称或统一社会信用代码').fill(entity!.creditCode);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByRole('link', { name: entity!.creditCode }).click();
    await page.getByRole('link', { name: '编辑' }).click();
    await page.locator('#field-name').fill('');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.error-summary').waitFor();
    await page.locator('#field-name').fill('端到端测试商贸有限公司');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: '端到端测试商贸有限公司' }).waitFor();
    await page.getByRole('button', { name: '移出名录库' }).click();
    await page.getByText('该市场主体已移出名录库').waitFor();
    expect((await MarketEntity.findOne({ creditCode: entity!.creditCode }).lean())?.active).to.equal(false);

    // The inspector roster with the expiry filter.
    await page.goto(`${baseUrl}/admin/inspectors?expiry=expired`);
    await page.goto(`${baseUrl}/admin/inspectors/${inspector!.inspectorId}`);
    expect(await page.locator('h1').innerText()).to.include(inspector!.name);

    expect(browser.visited.length).to.be.at.least(10);
    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
  });
});
