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

    await page.setInputFiles('#field-record', goodFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="ok"]').waitFor();
    expect(await page.locator('[data-verdict="ok"] [data-field="poolDigest"]').textContent()).to.equal(JSON.parse(golden).pool.digest);

    await page.setInputFiles('#field-record', badFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="fail"]').waitFor();
    expect(await page.locator('[data-verdict="fail"] [data-field="path"]').textContent()).to.match(/^assignment\.teams\[0\]/);

    expect(posts, 'the record never leaves the browser').to.deep.equal([]);
    expect(browser.problems).to.deep.equal([]);
  });

  it('verifies an announced draw against the announcement digest typed in, and refuses one whose announcement was changed since', async () => {
    const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'draw');
    const golden = readFileSync(join(fixtures, 'vector-2.record.json'), 'utf8');
    const digest = '91fdf03d754668e581fdee4ba0061aef43e2e20de2bb4c33e4b2f8abcf35ee7a';
    const goodFile = join(folder, 'announced.json');
    writeFileSync(goodFile, golden);
    // A record whose announced team size was changed after the announcement.
    const changed = JSON.parse(golden);
    changed.announcement.inspectors.teamSize = 3;
    const badFile = join(folder, 'announced-changed.json');
    writeFileSync(badFile, JSON.stringify(changed));

    browser ??= await launchBrowser();
    const { page } = browser;
    await page.goto(`${baseUrl}/verify`);
    await page.locator('#verify-where').waitFor({ state: 'visible' });
    await page.fill('#field-announcementDigest', digest);
    await page.setInputFiles('#field-record', goodFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="ok"]').waitFor();
    expect(await page.locator('[data-verdict="ok"] [data-field="announcementDigest"]').textContent()).to.equal(digest);
    expect(await page.locator('[data-verdict="ok"] [data-list="sources"] li').count()).to.equal(4);

    await page.setInputFiles('#field-record', badFile);
    await page.click('#verify-form button[type=submit]');
    await page.locator('[data-verdict="fail"]').waitFor();
    expect(await page.locator('[data-verdict="fail"] [data-field="code"]').textContent()).to.equal('PUBLISHED_MISMATCH');
    expect(browser.problems).to.deep.equal([]);
  });
});
