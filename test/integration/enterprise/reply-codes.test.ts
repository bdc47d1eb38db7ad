// The reply code (回执码) against the real app and database: only it opens the findings, the
// statement and the rating — not the check code shown at the door, not a forged, mistyped or
// replaced code, all of which get one and the same 404 page; it is stored as its SHA-256 (the
// index public lookups query) and appears on no public page; attempts are limited per address
// with the check page's budget; the public forms need their CSRF token and work without script.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { CheckLookup } from '../../../models/check-lookup.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { newCheckCode } from '../../../server/inspections/approval.js';
import { LOOKUP_LIMIT } from '../../../server/inspections/check-throttle.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { makeStatement } from '../../../server/inspections/statement.js';
import { submitted } from '../inspections/progress.js';
import { enterpriseWorld, postReply, visitor, type EnterpriseWorld } from './support.js';

const load = (id: string) => Inspection.findById(id).lean<InspectionRecord>();
const verdict = (html: string) => /<section class="check-verdict[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

describe('the reply code (回执码)', () => {
  let world: EnterpriseWorld;
  let first: InspectionRecord;
  let code: string;

  beforeEach(async () => {
    world = await enterpriseWorld();
    await submitted(world, world.first);
    first = (await load(world.first._id))!;
    code = first.reply!.code!;
  });
  afterEach(async () => { await world.relay.close(); });

  it('is stored with its SHA-256, which is unique (a second inspection cannot hold the same code)', async () => {
    expect(first.reply!.hash).to.equal(createHash('sha256').update(`reply|${code}`).digest('hex'));
    await Inspection.init();
    const other = world.inspections[1]!;
    let failed: unknown = null;
    await Inspection.updateOne({ _id: other._id }, { $set: { reply: { ...first.reply } } }).catch((e: unknown) => { failed = e; });
    // MongoDB and mongo-java-server answer E11000; FerretDB reports its SQLite UNIQUE constraint on an update.
    expect(String(failed)).to.match(/E11000|duplicate key|UNIQUE constraint failed/);
    expect((await load(other._id))!.reply?.hash).to.not.equal(first.reply!.hash);
  });

  it('the check code, a forged code, a mistyped one and gibberish all get the same 404 page; an empty one asks for the code (422)', async () => {
    const v = await visitor(world.app);
    const answers = [];
    for (const typed of [first.checkCode!, newCheckCode(), code.slice(0, 15) + (code.endsWith('0') ? '1' : '0'), 'not a code <script>']) {
      const res = await postReply(v, '/check/reply', { replyCode: typed }).expect(404);
      expect(res.text).to.include('data-verdict="reply-unknown"').and.not.include(first.entityName).and.not.include('data-section="reply-findings"');
      answers.push(verdict(res.text));
    }
    expect(new Set(answers).size).to.equal(1);
    const empty = await postReply(v, '/check/reply', { replyCode: '' }).expect(422);
    expect(empty.text).to.include('field-replyCode-error');
    // Nor does a forged code let anyone state or rate.
    await postReply(v, '/check/reply/statement', { replyCode: newCheckCode(), statementText: 'x', waive: 'no' }).expect(404);
    await postReply(v, '/check/reply/rating', { replyCode: first.checkCode!, lawful: '1', courteous: '1', clear: '1', unobtrusive: '1' }).expect(404);
    expect((await load(first._id))!.statement?.kind).to.equal(undefined);
  });

  it('appears on no public page: not on the check page of the code at the door, nor in the publication', async () => {
    const check = await request(world.app).get(`/check/${first.checkCode}`).expect(200);
    expect(check.text).to.not.include(code).and.not.include(code.replace(/(.{4})(?=.)/g, '$1-'));
    await request(world.app).get(`/check/${code}`).expect(404); // the reply code is not a check code
    await makeStatement(first, { kind: 'waived' }, world.settings);
    const published = await reviewInspection(first._id, { decision: 'approve' }, world.chen, world.settings);
    expect(JSON.stringify(published.publication)).to.not.include(code).and.not.include(first.reply!.hash!);
  });

  it('lookups that find nothing count against the address\'s limit shared with the check page: over it, 429 with Retry-After, even for the right code', async () => {
    const v = await visitor(world.app);
    await postReply(v, '/check/reply', { replyCode: code }).expect(200);
    expect(await CheckLookup.countDocuments({}), 'a lookup that opens the page costs nothing').to.equal(0);
    await postReply(v, '/check/reply', { replyCode: newCheckCode() }).expect(404);
    expect(await CheckLookup.countDocuments({})).to.equal(1);
    const now = world.clock.now();
    await CheckLookup.insertMany(Array.from({ length: LOOKUP_LIMIT.maxFailures - 1 }, (_, i) => ({ address: '127.0.0.1', at: new Date(now.getTime() - i * 1000) })));
    const limited = await postReply(v, '/check/reply', { replyCode: code }).expect(429);
    expect(Number(limited.headers['retry-after'])).to.be.greaterThan(0);
    expect(limited.text).to.include('data-verdict="limited"').and.not.include(first.entityName);
    await postReply(v, '/check/reply/rating', { replyCode: code, lawful: '1', courteous: '1', clear: '1', unobtrusive: '1' }).expect(429);
    await request(world.app).get(`/check/${newCheckCode()}`).expect(429); // one budget for both
    world.clock.set(new Date(now.getTime() + LOOKUP_LIMIT.windowMs + 60_000).toISOString());
    await postReply(v, '/check/reply', { replyCode: code }).expect(200);
  });

  it('the forms need their CSRF token (403 without it), work as plain HTML forms and are neither cached nor indexed', async () => {
    const agent = request.agent(world.app);
    const form = await agent.get('/check/reply').expect(200);
    expect(form.headers['cache-control']).to.equal('no-store');
    expect(form.text).to.include('<form method="post" action="/check/reply"').and.include('name="_csrf"').and.include('<meta name="robots" content="noindex">');
    expect(String(form.headers['set-cookie'] ?? ''), 'anonymous token: a cookie, no session').to.match(/csrf=/).and.not.match(/connect\.sid|sid=/);
    await agent.post('/check/reply').type('form').send({ replyCode: code }).expect(403);
    await request(world.app).post('/check/reply/statement').type('form').send({ _csrf: 'forged', replyCode: code, statementText: 'x', waive: 'no' }).expect(403);
    expect((await load(first._id))!.statement?.kind).to.equal(undefined);
    const page = await postReply({ agent, csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)![1]! }, '/check/reply', { replyCode: code }).expect(200);
    expect(page.text).to.not.match(/<script(?![^>]*src=)/); // no inline script; the page works without any
    expect(page.text).to.include(`name="replyCode" value="${code}"`);
  });

  it('speaks English with ?lang=en', async () => {
    const v = await visitor(world.app);
    const res = await postReply(v, '/check/reply', { replyCode: code }, 'en').expect(200);
    expect(res.text).to.include('Your inspection').and.include('Statement (陈述申辩)').and.include('Rating of the inspection').and.include('2026-07-31');
    expect(res.text).to.not.match(/(reply|statement|rating)\.[a-z]+\.[a-zA-Z]+/);
  });
});
