// End to end in Chromium: a member of the public verifies a draw record in the browser with
// the bundled engine (nothing is uploaded), and sees a tampered record rejected.
import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBrowserBundle } from '../../scripts/build-browser.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { startTestServer } from '../helpers/app.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';

describe('end to end: verifying a draw in the browser', function () {
  this.timeout(90_000);
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let baseUrl: string;
  let browser: BrowserSession | undefined;
  const folder = mkdtempSync(join(tmpdir(), 'shuangsuiji-verify-'));

  before(async () => {
    await buildBrowserBundle();
    server = await startTestServer();
    baseUrl = server.baseUrl;
  });

  after(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
    await server.close();
  });

  it('verifies the golden record locally, rejects a tampered one, with no upload and no CSP violation', async () => {
    const golden = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'draw', 'vector-1.record.json'), 'utf8');
    const record = JSON.parse(golden);
    const goodFile = join(folder, 'good.json');
    writeFileSync(goodFile, golden);
    record.assignment.teams[0].inspectors.reverse();
    const badFile = join(folder, 'bad.json');
    writeFileSync(badFile, JSON.stringify(record));

    browser = await launchBrowser();
    const { page } = browser;
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push(req.url());
    });
    await page.goto(`${baseUrl}/verify`);
    await page.locator('#verify-where').waitFor({ state: 'visible' });

    await page.setInputFiles('#record', goodFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="ok"]').waitFor();
    expect(await page.locator('[data-verdict="ok"] [data-field="poolDigest"]').textContent()).to.equal(JSON.parse(golden).pool.digest);

    await page.setInputFiles('#record', badFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="fail"]').waitFor();
    expect(await page.locator('[data-verdict="fail"] [data-field="path"]').textContent()).to.match(/^assignment\.teams\[0\]/);

    expect(posts, 'the record never leaves the browser').to.deep.equal([]);
    expect(browser.problems).to.deep.equal([]);
  });
});
