// End to end in Chromium: an administrator (made by the create-admin use-case) signs in, makes
// a mistake and then creates a user through the form, switches language, and signs out — with
// no console error and no Content-Security-Policy violation on any page visited.
import { expect } from 'chai';
import { createAdmin } from '../../server/auth/users.js';
import { User } from '../../models/user.js';
import { ensureDepartment, TEST_DEPARTMENT } from '../helpers/auth.js';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';

describe('end to end: an administrator creates a user', function () {
  this.timeout(90_000);
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

  it('signs in, creates a user through the form, signs out — no console errors, no CSP violations', async () => {
    await ensureDepartment(TEST_DEPARTMENT, '怀化市洪江区市场监督管理局');
    await createAdmin({ username: 'e2e-admin', displayName: '端到端管理员', departmentCode: TEST_DEPARTMENT, password: 'E2e-admin-passphrase' }, 'e2e test');
    browser = await launchBrowser();
    browser.expectDocumentStatus(422); // the form sent back with its errors, below
    const { page } = browser;

    // A protected page sends the visitor to the login page and back again afterwards.
    await page.goto(`${baseUrl}/admin/users`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await page.getByLabel('用户名').fill('e2e-admin');
    await page.getByLabel('密码').fill('E2e-admin-passphrase');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${baseUrl}/admin/users`);
    expect(await page.locator('.user-name').innerText()).to.include('端到端管理员');

    await page.getByRole('link', { name: '新建用户' }).click();
    await page.getByLabel('用户名').fill('zhang.wei');
    await page.getByLabel('姓名').fill('张伟');
    await page.getByLabel('角色').selectOption('supervisor');
    await page.getByLabel('所属部门').selectOption(TEST_DEPARTMENT);
    await page.getByLabel('临时密码', { exact: false }).first().fill('too-short');
    await page.getByLabel('再次输入临时密码').fill('too-short');
    await page.getByRole('button', { name: '创建用户' }).click();
    // 422: the summary is focused (public/js/app.js ran under the CSP) and the typed name kept.
    await page.locator('[data-error-summary]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary'))).to.equal(true);
    expect(await page.getByLabel('姓名').inputValue()).to.equal('张伟');

    await page.locator('#field-password').fill('Zhang-wei-temp-pass');
    await page.locator('#field-passwordConfirm').fill('Zhang-wei-temp-pass');
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.getByText('用户已创建').waitFor();
    expect(await User.countDocuments({ username: 'zhang.wei', role: 'supervisor' })).to.equal(1);

    // The language choice follows the visitor across pages.
    await page.getByRole('link', { name: 'English' }).first().click();
    await page.getByRole('link', { name: 'Back to the user list' }).click();
    expect(await page.locator('tr[data-user="zhang.wei"]').innerText()).to.include('Supervisor');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.goto(`${baseUrl}/admin/users`);
    expect(new URL(page.url()).pathname).to.equal('/login');

    expect(browser.visited.length).to.be.at.least(8);
    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
  });

  it('(the watchdog itself) reports a CSP violation when a page loads something the policy forbids', async () => {
    const probe = await launchBrowser();
    try {
      await probe.page.goto(`${baseUrl}/login`);
      await probe.page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="https://example.invalid/pixel.png" alt="">'));
      await probe.page.waitForTimeout(300);
      expect(probe.problems.some((p) => p.startsWith('CSP violation: img-src')), probe.problems.join('\n')).to.equal(true);
    } finally {
      await probe.close();
    }
  });

  it('(the set-up) fails with a clear message, rather than skipping, when Chromium is missing', async () => {
    let message = '';
    await launchBrowser('/nonexistent/chromium').catch((error: Error) => (message = error.message));
    expect(message).to.include('Chromium is not installed at /nonexistent/chromium').and.include('apt-get install chromium');
  });
});
