// The public check page (扫码入企) over HTTP against the real app and database: a genuine code
// shows exactly the allowed facts (and none of the findings, reviews, ids or other entities);
// every other code — unknown, malformed, forged, not yet approved, finished — gets the same
// 404 page; codes are accepted as people type them; lookups are limited per address; English.
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { Department, Inspection, InspectionItem, Inspector, MarketEntity } from '../../../models/index.js';
import type { InspectionRecord } from '../../../models/inspection.js';
import { CheckLookup } from '../../../models/check-lookup.js';
import { newCheckCode } from '../../../server/inspections/approval.js';
import { admitLookup, LOOKUP_LIMIT, lookupAddress } from '../../../server/inspections/check-throttle.js';
import { reviewInspection } from '../../../server/inspections/review.js';
import { testApp } from '../../helpers/app.js';
import { approved, FINDING, published, submitted } from './progress.js';
import { lockedDraw, type LockedDraw } from './support.js';

const DEPARTMENT = '怀化市洪江区市场监督管理局';
const BASIS = '《企业信息公示暂行条例》第八条';
const RETURN_COMMENT = '请补充现场笔录编号';

/** The verdict box of a page (what differs between answers, without the echoed input). */
const verdict = (html: string) => /<section class="check-verdict[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

describe('the public check page (/check)', () => {
  let world: LockedDraw;
  let app: Express;
  let first: InspectionRecord;
  let code: string;

  beforeEach(async () => {
    world = await lockedDraw();
    app = testApp({ now: world.clock.now });
    await Department.create({ code: 'HJ-SCJG', name: DEPARTMENT, level: '县' });
    await InspectionItem.updateOne({ code: 'A01' }, { $set: { legalBasis: BASIS } });
    first = world.inspections[0]!;
    code = (await approved(world, first)).checkCode!;
  });
  afterEach(async () => { await world.relay.close(); });

  it('GET /check/:code, for an approved inspection, shows it is genuine with the task, department, type, period, items, entity and team, uncached and unindexed', async () => {
    const res = await request(app).get(`/check/${code}`).expect(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['x-robots-tag']).to.equal('noindex');
    expect(res.text).to.include('<meta name="robots" content="noindex">');
    expect(res.text).to.include('data-verdict="genuine"').and.include('核验通过：这是一项真实有效、正在进行的检查');
    expect(res.text).to.include(first.taskNumber).and.include(first.taskName).and.include(DEPARTMENT).and.include('日常检查');
    expect(res.text).to.include(`2026-07-24 至 ${first.dueOn}`);
    expect(res.text).to.include('A01').and.include('登记事项检查').and.include(BASIS);
    expect(res.text).to.include(first.entityName);
    const team = await Inspector.find({ inspectorId: mongoose.trusted({ $in: first.team }) }).lean();
    expect(team).to.have.length(2);
    for (const person of team) expect(res.text).to.include(person.name).and.include(person.certificates[0]!.number);
    expect(res.text.match(/data-validity="valid"/g)).to.have.length(2);
    expect(res.text).to.include(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`);
  });

  it('GET /check/:code, once findings are entered and a review returned them, still shows only the allowed facts: no findings, comments, ids or other entities', async () => {
    const other = world.inspections[1]!;
    const otherCode = (await submitted(world, other)).checkCode!;
    await reviewInspection(other._id, { decision: 'return', comment: RETURN_COMMENT }, world.chen, world.settings);
    const stored = (await Inspection.findById(other._id).lean<InspectionRecord>())!;
    expect(stored.state).to.equal('returned');
    const res = await request(app).get(`/check/${otherCode}`).expect(200);
    expect(res.text).to.include('data-verdict="genuine"').and.include(other.entityName);
    const others = await MarketEntity.find({ creditCode: mongoose.trusted({ $ne: other.creditCode }) }).lean();
    const strangers = await Inspector.find({ inspectorId: mongoose.trusted({ $nin: other.team }) }).lean();
    const forbidden = [
      FINDING.problems!, FINDING.handling!, 'R02', '未按规定公示应当公示的信息', RETURN_COMMENT, // findings, result, review
      ...other.team, ...strangers.map((s) => s.inspectorId), ...strangers.map((s) => s.name), // inspector ids, other officers
      other._id, other.runKey, String(other.taskId), other.creditCode, // internal ids, even the entity's own credit code
      ...others.map((e) => e.creditCode), ...others.map((e) => e.name), // other entities
      world.chen.actor.label, '现场检查', code.slice(0, 8), // the approver, the method, another inspection's code
    ];
    if (other.entityAddress) forbidden.push(other.entityAddress);
    for (const secret of forbidden) expect(res.text, secret).to.not.include(secret);
  });

  it('accepts the code as people type it (lower case, dashes, spaces; O for 0, I/L for 1): /check?code=… redirects to the canonical address', async () => {
    const typed = `${code.slice(0, 4)}-${code.slice(4, 8)} ${code.slice(8, 12)}-${code.slice(12)}`.toLowerCase();
    await request(app).get(`/check/${encodeURIComponent(typed)}`).expect(200).expect(/data-verdict="genuine"/);
    const canonical = `/check/${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`;
    const redirect = await request(app).get(`/check?code=${encodeURIComponent(` ${typed} `)}`).expect(303);
    expect(redirect.headers.location).to.equal(canonical);
    const misread = code.replace(/0/g, 'O').replace(/1/g, 'l');
    await request(app).get(`/check/${misread}`).expect(200).expect(/data-verdict="genuine"/);
  });

  it('GET /check shows the GET form; an empty code answers 422 naming the field', async () => {
    const form = await request(app).get('/check').expect(200);
    expect(form.text).to.match(/<form method="get" action="\/check"/).and.include('name="code"');
    expect(form.headers['cache-control']).to.equal('no-store');
    const empty = await request(app).get('/check?code=%20').expect(422);
    expect(empty.text).to.include('检查码').and.include('必填');
  });

  it('unknown, malformed, forged, not-yet-approved and finished codes all answer 404 with the same page', async () => {
    const [, second, third] = world.inspections as [InspectionRecord, InspectionRecord, InspectionRecord];
    // Not yet approved: a code stored on an inspection still waiting for approval (as a forger who read one might try).
    const pending = newCheckCode();
    await Inspection.updateOne({ _id: second._id }, { $set: { checkCode: pending } });
    const finished = (await published(world, third)).checkCode!;
    expect((await Inspection.findById(third._id).lean<InspectionRecord>())!.state).to.equal('published');
    const forged = code.slice(0, 15) + (code.endsWith('Z') ? 'Y' : 'Z');
    const answers = [];
    for (const path of [`/check/${newCheckCode()}`, '/check/hello', `/check/${'A'.repeat(300)}`, `/check/${forged}`, `/check/${pending}`, `/check/${finished}`, '/check?code=%3Cscript%3E']) {
      const res = await request(app).get(path).expect(404);
      expect(res.text, path).to.include('data-verdict="not-confirmed"').and.include('请不要让其入内检查');
      expect(res.text, path).to.not.include('<script>');
      expect(res.headers['cache-control'], path).to.equal('no-store');
      answers.push(verdict(res.text));
    }
    expect(new Set(answers).size, 'one and the same verdict whatever the reason').to.equal(1);
    expect(answers[0]).to.not.equal('');
  });

  it('an expired certificate is shown as such, in words', async () => {
    await Inspector.updateOne({ inspectorId: first.team[1] }, { $set: { 'certificates.0.validUntil': new Date('2026-07-01T00:00:00Z') } });
    const res = await request(app).get(`/check/${code}`).expect(200);
    expect(res.text.match(/data-validity="valid"/g)).to.have.length(1);
    expect(res.text).to.include('data-validity="expired"').and.include('已过期，今日不得执法');
  });

  it(`limits each address to ${LOOKUP_LIMIT.maxFailures} unconfirmed lookups in ${LOOKUP_LIMIT.windowMs / 60_000} minutes (genuine ones cost nothing), with a 429 page and Retry-After`, async () => {
    for (let i = 0; i < LOOKUP_LIMIT.maxFailures - 1; i += 1) await request(app).get(`/check/${newCheckCode()}`).expect(404);
    for (let i = 0; i < 5; i += 1) await request(app).get(`/check/${code}`).expect(200);
    await request(app).get('/check/x').expect(404);
    expect(await CheckLookup.countDocuments()).to.equal(LOOKUP_LIMIT.maxFailures);
    const limited = await request(app).get(`/check/${code}`).expect(429);
    expect(limited.text).to.include('data-verdict="limited"').and.include('核验次数过多').and.not.include(first.taskNumber);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, LOOKUP_LIMIT.windowMs / 1000);
    expect(limited.headers['cache-control']).to.equal('no-store');
    await request(app).get('/check?code=zzz').expect(429);
    expect(await CheckLookup.countDocuments(), 'refused lookups write nothing').to.equal(LOOKUP_LIMIT.maxFailures);
    // Another address is not held up.
    const elsewhere = await admitLookup(lookupAddress('203.0.113.9'), world.clock.now());
    expect(elsewhere.admitted).to.equal(true);
    world.clock.advance(LOOKUP_LIMIT.windowMs + 1000);
    await request(app).get(`/check/${code}`).expect(200);
  });

  it('a burst of parallel guesses from one address gets no more than the limit through', async () => {
    const answers = await Promise.all(Array.from({ length: LOOKUP_LIMIT.maxFailures + 15 }, () => request(app).get(`/check/${newCheckCode()}`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 404).length).to.be.at.most(LOOKUP_LIMIT.maxFailures);
    expect(statuses.filter((s) => s !== 404 && s !== 429)).to.deep.equal([]);
    expect(statuses).to.include(429);
    expect(await CheckLookup.countDocuments()).to.be.at.most(LOOKUP_LIMIT.maxFailures);
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    expect(lookupAddress('2001:db8:1:2:aaaa::1')).to.equal(lookupAddress('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(lookupAddress('2001:db8:1:2::1')).to.equal('2001:db8:1:2::/64');
    expect(lookupAddress('2001:db8:1:3::1')).to.not.equal(lookupAddress('2001:db8:1:2::1'));
    expect(lookupAddress('::ffff:192.0.2.7')).to.equal('192.0.2.7');
    expect(lookupAddress('::1')).to.equal('0:0:0:0::/64');
  });

  it('in English (?lang=en): the genuine page and the not-confirmed page', async () => {
    const res = await request(app).get(`/check/${code}?lang=en`).expect(200);
    expect(res.text).to.include('<html lang="en">').and.include('Confirmed: a genuine inspection under way').and.include('Routine inspection').and.include('Valid today');
    expect(res.text).to.include(`2026-07-24 to ${first.dueOn}`).and.include('Legal basis');
    const unknown = await request(app).get(`/check/${newCheckCode()}?lang=en`).expect(404);
    expect(unknown.text).to.include('Not confirmed').and.include('Do not let them in to inspect');
  });
});
