// Issue 13, acceptance 2: marker strings placed in unpublished, returned and draft inspections
// (findings' problems, handling and notes, review comments), in the entity's statement and
// ratings, in an unpublished plan and in the entity names of a drawn list that is not published
// appear on no public page, export or feed. The URLs are not a hand-written list: every public
// GET route of the access table (server/features.ts) is requested with its parameters filled
// from the created data (all combinations), plus searches and filters through the query
// string — so a public route added tomorrow is covered without touching this test.
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { formatCheckCode } from '../../server/inspections/approval.js';
import { testApp } from '../helpers/app.js';
import { signInAs } from '../helpers/auth.js';
import { PRIVATE_MARK, publicGetRoutes, publicWorld, queryVariants, urlsOf, type PublicWorld } from './open-data/public-world.js';

interface Fetched { url: string; status: number; type: string; text: string }

async function fetchText(app: Express, url: string): Promise<Fetched> {
  const res = await request(app).get(url).buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
  return { url, status: res.status, type: String(res.headers['content-type'] ?? ''), text: res.body as string };
}

/** Each marker found in the text, with a little context. */
function leaks(fetched: Fetched): string[] {
  const found: string[] = [];
  let at = fetched.text.indexOf(PRIVATE_MARK);
  while (at >= 0) {
    found.push(`${fetched.url} (${fetched.status}): …${fetched.text.slice(Math.max(0, at - 40), at + 40).replace(/\s+/g, ' ')}…`);
    at = fetched.text.indexOf(PRIVATE_MARK, at + PRIVATE_MARK.length);
  }
  return found;
}

describe('the public site keeps private what is private', function () {
  this.timeout(300_000);
  let world: PublicWorld;
  afterEach(async () => { await world?.relay.close(); });

  it('GET of every public route, with every parameter from the data, shows no marker of unpublished, returned, draft, rated or unlisted data', async () => {
    world = await publicWorld();
    const app = testApp({ now: world.clock.now });
    const routes = publicGetRoutes();
    const urls = [...new Set([...routes.flatMap((route) => urlsOf(route, world.params)), ...queryVariants(world)])];
    const fetched: Fetched[] = [];
    for (const url of urls) fetched.push(await fetchText(app, url));

    expect(fetched.flatMap(leaks)).to.deep.equal([]);
    // Nor do the credit codes of unpublished inspections, wherever the address does not name them
    // (the check page of a code names its own entity: that is what it is for).
    const hiddenCodes = [world.pending, world.returned, world.draft, world.approvedOnly].map((i) => i.creditCode);
    const named = fetched.filter((f) => !f.url.startsWith('/check/')).flatMap((f) => hiddenCodes.filter((code) => f.text.includes(code) && !f.url.includes(code)).map((code) => `${f.url}: ${code}`));
    expect(named).to.deep.equal([]);

    // The crawl reached real content (else "no marker" would prove nothing):
    const byUrl = new Map(fetched.map((f) => [f.url, f]));
    const page = (url: string) => byUrl.get(url) ?? expect.fail(`${url} was not requested`);
    const published = page(`/results/${encodeURIComponent(world.published._id)}`);
    expect(published.status, 'the published result is public').to.equal(200);
    expect(published.text).to.include(world.published.entityName);
    for (const hidden of [world.pending, world.returned, world.draft, world.approvedOnly]) {
      expect(page(`/results/${encodeURIComponent(hidden._id)}`).status, `${hidden._id} is not public`).to.equal(404);
    }
    expect(page('/open-data/results.csv').text).to.include(world.published.creditCode);
    expect(page('/open-data/feed.atom').text).to.include(world.published.creditCode);
    expect(page(`/announcements/${world.hiddenListTaskId}`).status, 'the unlisted task is still announced').to.equal(200);
    expect(page('/open-data/announcements.csv').text).to.include('未公开名单的抽查任务');
    const checkCode = formatCheckCode(world.approvedOnly.checkCode!);
    expect(page(`/check/${encodeURIComponent(checkCode)}`).status, 'the check page answers for a real code').to.equal(200);
    // Every public route was requested at least once, and most answered 200.
    for (const route of routes) {
      const pattern = new RegExp(`^${route.replace(/:\w+/g, '[^/?]+').replace(/\./g, '\\.')}$`);
      expect(fetched.some((f) => pattern.test(f.url.split('?')[0]!)), `${route} was requested`).to.equal(true);
    }
    // The markers are where a broken rule would show them: staff pages of the same data carry them.
    const staff = await signInAs(app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const staffText = async (url: string) => (await staff.agent.get(url).expect(200)).text;
    expect(await staffText(`/inspections/${encodeURIComponent(world.pending._id)}`)).to.include(`${PRIVATE_MARK}-problems-pending`);
    const runId = world.params.run!.find((run) => fetched.some((f) => f.url === `/announcements/${world.hiddenListTaskId}/runs/${run}` && f.status === 200));
    expect(runId, 'the unlisted draw has a public verification page').to.be.a('string');
    expect(await staffText(`/tasks/${world.hiddenListTaskId}/runs/${runId}`)).to.include(`${PRIVATE_MARK}-list-`);
    expect(urls.length, 'requests made').to.be.greaterThan(100);
    expect(fetched.filter((f) => f.status >= 500).map((f) => `${f.url} ${f.status}`), 'no request failed').to.deep.equal([]);
  });
});
