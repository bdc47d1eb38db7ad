// End to end in Chromium: an administrator uploads a roster file with one bad row, watches the
// import finish on its progress page (kept live by public/js/import-progress.js) and finds the
// error report — with no console error and no CSP violation.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin } from '../../server/auth/users.js';
import { generateEntity } from '../../server/demo/generate-world.js';
import { ENTITY_HEADER, entityRow } from '../helpers/sample-files.js';
import { MarketEntity } from '../../models/index.js';
import { ensureDepartment } from '../helpers/auth.js';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';

describe('end to end: importing a roster file', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let baseUrl: string;
  let browser: BrowserSession | undefined;
  const folder = mkdtempSync(join(tmpdir(), 'shuangsuiji-e2e-import-'));

  before(async () => {
    server = await startTestServer();
    baseUrl = server.baseUrl;
  });

  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
    await server.close();
  });

  it('uploads, shows the finished counts and links the error report', async () => {
    await ensureDepartment();
    await createAdmin({ username: 'import-admin', displayName: '导入管理员', departmentCode: 'HJ-SCJG', password: 'Import-admin-passphrase' }, 'e2e test');
    const world = { seed: 'e2e-import', entities: 0, asOf: '2026-11-27' };
    const rows = Array.from({ length: 2000 }, (_, i) => entityRow(generateEntity(world, i)));
    rows[7]![1] = ''; // a missing name: rejected
    const file = join(folder, 'entities.csv');
    writeFileSync(file, `\uFEFF${[[...ENTITY_HEADER], ...rows].map((r) => r.join(',')).join('\n')}\n`);

    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(`${baseUrl}/admin/imports`);
    await page.getByLabel('用户名').fill('import-admin');
    await page.getByLabel('密码').fill('Import-admin-passphrase');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${baseUrl}/admin/imports`);
    await page.getByLabel('导入内容').selectOption('entities');
    await page.setInputFiles('#field-file', file);
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.waitForURL(/\/admin\/imports\/[0-9a-f]{24}$/);
    // 2,000 rows usually take a few seconds on FerretDB, so the page is mostly seen running and
    // brought to "completed" by its script; on a fast server it may already be done.
    const initialStatus = await page.locator('#import-progress').getAttribute('data-status');
    expect(['running', 'completed']).to.include(initialStatus);
    await page.locator('#import-progress[data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-progress="inserted"]').innerText()).to.equal('1999');
    expect(await page.locator('[data-progress="rejected"]').innerText()).to.equal('1');
    expect(await page.locator('a[data-error-report]').count()).to.equal(1);
    expect(await MarketEntity.countDocuments()).to.equal(1999);
    expect(browser.problems, browser.problems.join('\n')).to.deep.equal([]);
  });
});
