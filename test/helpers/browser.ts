// Shared set-up for end-to-end tests: Debian's Chromium driven by playwright-core (it cannot
// download its own browser here), a fresh profile per launch, and a record of everything a
// page should never produce: console errors, uncaught exceptions and CSP violations.
// A missing Chromium fails loudly — end-to-end tests are never skipped silently.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The viewports every layout check uses: a desktop and the 390 px phone. */
export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** The document's width: wider than the viewport means the page scrolls sideways. */
export async function documentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations, each with the URL it happened on. */
  problems: string[];
  /** Every document URL the page loaded (to show what the assertions covered). */
  visited: string[];
  /**
   * Document statuses the test expects (e.g. 422 for a form sent back with errors): Chromium
   * logs "Failed to load resource" for those too, which is then not counted as a problem.
   */
  expectDocumentStatus(status: number): void;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __reportCspViolation?: (detail: string) => void;
  }
}

export async function launchBrowser(executablePath = CHROMIUM_PATH): Promise<BrowserSession> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not installed at ${executablePath}. The end-to-end tests need it: install it with \`apt-get install chromium\` (scripts/ensure-test-deps.sh does) or set CHROMIUM_PATH.`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'shuangsuiji-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    locale: 'zh-CN',
  });
  const problems: string[] = [];
  const visited: string[] = [];
  // The listener is added by the browser itself (not as a page script), so the CSP cannot block it.
  await context.exposeFunction('__reportCspViolation', (detail: string) => problems.push(`CSP violation: ${detail}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation?.(`${event.violatedDirective} blocked ${event.blockedURI || 'inline code'} on ${event.documentURI}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const expectedStatuses = new Set<number>();
  const documentStatus = new Map<string, number>();
  page.on('response', (response) => {
    if (response.request().isNavigationRequest()) documentStatus.set(response.url(), response.status());
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const source = message.location().url;
    const status = documentStatus.get(source);
    if (message.text().startsWith('Failed to load resource') && status !== undefined && expectedStatuses.has(status)) return;
    problems.push(`console error on ${page.url()} (${source || 'no source'}): ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return {
    context, page, problems, visited,
    expectDocumentStatus: (status) => expectedStatuses.add(status),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the login page as a person would (zh-CN labels) and waits to be taken away from it. */
export async function signInOnLoginPage(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}
