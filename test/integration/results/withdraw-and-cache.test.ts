// 撤回公示 and corrections as the public sees them, and the public cache: a withdrawal by an
// independent supervisor of the owning department (with its reason and audit entry) takes the
// result off every public page; a correction shows on the result with date and reason and
// changes what the result filter finds; cached pages carry ETag/Last-Modified, answer 304,
// and are dropped by every publication, correction and withdrawal — also one made by another
// instance (the generation counter in the database).
import { expect } from 'chai';
import mongoose from 'mongoose';
import { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../../server/app.js';
import { publicCache } from '../../../server/http/public-cache.js';
import { createLogger } from '../../../server/logger.js';
import { mount } from '../../../server/routes/mount.js';
import { AppMeta } from '../../../models/app-meta.js';
import { Plan } from '../../../models/plan.js';
import { amendPlan, publishPlan } from '../../../server/plans/plans.js';
import { AuditEvent } from '../../../models/index.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { signInAs } from '../../helpers/auth.js';
import { correctPublished, reviewInspection } from '../../../server/inspections/review.js';
import { withdrawPublication } from '../../../server/results/withdraw.js';
import { PUBLISHED_FILTER, publicResultOf } from '../../../server/results/published.js';
import { submitted } from '../inspections/progress.js';
import { inspectorActing } from '../inspections/support.js';
import { resultsWorld, type ResultsWorld } from './support.js';

const rows = (html: string) => [...html.matchAll(/data-result="([^"]+)"/g)].map((m) => m[1]);
const resultPath = (r: InspectionRecord) => `/results/${encodeURIComponent(r._id)}`;

describe('withdrawal, corrections and the public cache', () => {
  let w: ResultsWorld;
  beforeEach(async () => { w = await resultsWorld(); });
  afterEach(async () => { await w.relay.close(); });

  it('POST /results/:id/withdraw, by a supervisor of the department, takes the result off /results, its page and the entity page, with an audit entry', async () => {
    const target = w.shown[0]!;
    const chen = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const before = await request(w.app).get('/results').expect(200);
    expect(rows(before.text)).to.include(target._id);
    const show = await chen.agent.get(`/inspections/${encodeURIComponent(target._id)}`).expect(200);
    expect(show.text).to.include('data-form="withdraw"');
    await chen.agent.post(`/results/${encodeURIComponent(target._id)}/withdraw`).type('form').send({ _csrf: chen.csrf, withdrawReason: '企业名称登记错误，核实后重新公示' }).expect(303);
    const stored = (await Inspection.findById(target._id).lean<InspectionRecord & { withdrawal?: { reason: string; at: Date } }>())!;
    expect(stored.withdrawal?.reason).to.equal('企业名称登记错误，核实后重新公示');
    expect(stored.state).to.equal('published');
    expect(await AuditEvent.countDocuments({ action: 'inspection.withdraw_publication', 'target.id': target._id })).to.equal(1);
    expect(rows((await request(w.app).get('/results').expect(200)).text)).not.to.include(target._id);
    await request(w.app).get(resultPath(target)).expect(404);
    await request(w.app).get(`/entities/${target.creditCode}`).expect(404);
    expect((await request(w.app).get('/').expect(200)).text).not.to.include(target._id);
    expect(await Inspection.countDocuments({ ...PUBLISHED_FILTER })).to.equal(1);
    const after = await chen.agent.get(`/inspections/${encodeURIComponent(target._id)}`).expect(200);
    expect(after.text).to.include('data-section="withdrawn"').and.not.include('data-form="withdraw"');
    // Staff see that it was withdrawn; it is no longer offered for correction, nor corrected.
    expect(after.text).to.include('data-fact="withdrawn"').and.not.include('data-form="correct"');
    const refused = await correctPublished(target._id, { reason: '复核', resultCategory: 'R05' }, w.chen, w.settings).then(() => null, (e: { problem?: string }) => e);
    expect(refused?.problem).to.equal('publication_withdrawn');
  });

  it('a withdrawal without a reason is 422 on the inspection page; by another department or twice it is refused; anonymously it is not allowed', async () => {
    const target = w.shown[0]!;
    const chen = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const empty = await chen.agent.post(`/results/${encodeURIComponent(target._id)}/withdraw`).type('form').send({ _csrf: chen.csrf, withdrawReason: '  ' }).expect(422);
    expect(empty.text).to.include('field-withdrawReason-error');
    const other = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-WJ' });
    await other.agent.post(`/results/${encodeURIComponent(target._id)}/withdraw`).type('form').send({ _csrf: other.csrf, withdrawReason: '理由' }).expect(403);
    await request(w.app).post(`/results/${encodeURIComponent(target._id)}/withdraw`).type('form').send({ withdrawReason: '理由' }).expect((res) => expect([401, 403, 303]).to.include(res.status));
    await withdrawPublication(target._id, { reason: '核实有误' }, w.chen, w.settings);
    const again = await chen.agent.post(`/results/${encodeURIComponent(target._id)}/withdraw`).type('form').send({ _csrf: chen.csrf, withdrawReason: '再次' }).expect(409);
    expect(again.text).to.include('该结果已撤回公示');
    expect(rows((await request(w.app).get('/results').expect(200)).text)).not.to.include(target._id);
  });

  it('a supervisor who took part cannot withdraw, and an unpublished inspection cannot be withdrawn', async () => {
    const target = w.shown[0]!;
    const member = inspectorActing(target.team[0]!, 'supervisor');
    await withdrawPublication(target._id, { reason: '理由' }, member, w.settings).then(() => expect.fail('withdrawn'), (e: { status?: number }) => expect(e.status).to.equal(403));
    await withdrawPublication(w.hidden[0]!._id, { reason: '理由' }, w.chen, w.settings).then(() => expect.fail('withdrawn'), (e: { status?: number }) => expect(e.status).to.equal(409));
  });

  it('a correction shows on the result with its day and reason, and the result filter follows the corrected category', async () => {
    const target = w.shown[0]!;
    await request(w.app).get(resultPath(target)).expect(200); // cached before the correction
    await correctPublished(target._id, { reason: '复核后确认已改正', resultCategory: 'R05' }, w.chen, w.settings);
    const html = (await request(w.app).get(resultPath(target)).expect(200)).text;
    expect(html).to.include('发现问题已责令改正').and.include('复核后确认已改正').and.include('原公示结果：未按规定公示应当公示的信息');
    expect(html).to.include('data-items-as-published'); // the per-item results are as first published
    expect((await request(w.app).get(resultPath(w.shown[1]!)).expect(200)).text).to.not.include('data-items-as-published');
    expect(rows((await request(w.app).get('/results?result=R05').expect(200)).text)).to.deep.equal([target._id]);
    expect(rows((await request(w.app).get('/results?result=R02').expect(200)).text)).to.deep.equal([w.shown[1]!._id]);
    const view = publicResultOf((await Inspection.findById(target._id).lean<InspectionRecord>())!);
    expect(view.corrections).to.have.length(1);
    expect(view).to.include({ resultCategory: 'R05', corrected: true });
    expect(JSON.stringify(view)).not.to.include(w.chen.actor.label); // who corrected is not public
  });

  it('public pages carry ETag and Last-Modified, are served from the cache, answer 304 to a matching validator, and never to a signed-in user', async () => {
    const first = await request(w.app).get('/results').expect(200);
    expect(first.headers['x-public-cache']).to.equal('miss');
    expect(first.headers.etag).to.match(/^"[\w-]{27}"$/);
    expect(first.headers['last-modified']).to.be.a('string');
    const second = await request(w.app).get('/results').expect(200);
    expect(second.headers['x-public-cache']).to.equal('hit');
    expect(second.text).to.equal(first.text);
    await request(w.app).get('/results').set('If-None-Match', first.headers.etag as string).expect(304);
    await request(w.app).get('/results').set('If-Modified-Since', first.headers['last-modified'] as string).expect(304);
    // Language is part of the key.
    const en = await request(w.app).get('/results?lang=en').expect(200);
    expect(en.headers['x-public-cache']).to.equal('miss');
    expect(en.text).to.include('<html lang="en">');
    const cookieEn = await request(w.app).get('/results').set('Cookie', 'lang=en').expect(200);
    expect(cookieEn.text).to.include('<html lang="en">');
    const chen = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const signed = await chen.agent.get('/results').expect(200);
    expect(signed.headers['x-public-cache']).to.equal(undefined);
    expect(signed.headers['cache-control']).to.equal('no-store');
  });

  it('a response that sets its own cookie (a form\'s CSRF nonce) is sent but never kept; HEAD is answered from the cache too', async () => {
    const probe = mount({
      path: '/probe', rules: { 'GET /': 'public', 'GET /plain': 'public' },
      router: () => Router()
        .get('/', publicCache(), (_req, res) => { res.cookie('csrf', 'nonce-of-one-visitor'); res.send('<p>form</p>'); })
        .get('/plain', publicCache(), (_req, res) => { res.send('<p>plain</p>'); }),
    });
    const app = createApp({ config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'), mounts: [probe] });
    for (let i = 0; i < 2; i += 1) await request(app).get('/probe').expect(200).expect('X-Public-Cache', 'miss');
    await request(app).get('/probe/plain').expect(200).expect('X-Public-Cache', 'miss');
    const head = await request(app).head('/probe/plain').expect(200).expect('X-Public-Cache', 'hit');
    expect(head.headers.etag).to.be.a('string');
  });

  it('a publication through the use case drops the cached pages at once', async () => {
    const before = await request(w.app).get('/results').expect(200);
    await request(w.app).get('/results').expect(200).expect('X-Public-Cache', 'hit');
    const third = w.hidden[0]!;
    await reviewInspection(third._id, { decision: 'approve' }, w.chen, w.settings);
    const after = await request(w.app).get('/results').expect(200).expect('X-Public-Cache', 'miss');
    expect(rows(after.text)).to.include(third._id);
    expect(after.headers.etag).not.to.equal(before.headers.etag);
    await request(w.app).get('/results').set('If-None-Match', before.headers.etag as string).expect(200);
  });

  it('a change made by another instance (the shared generation counter) is seen by this one on the next request', async () => {
    await request(w.app).get('/results').expect(200);
    await request(w.app).get('/results').expect(200).expect('X-Public-Cache', 'hit');
    // Another instance withdraws a result: it writes the inspection and bumps the counter, but
    // cannot clear this process's memory. Simulated at the database level only.
    const target = w.shown[1]!;
    await Inspection.updateOne({ _id: target._id }, { $set: { withdrawal: { at: new Date(), reason: '另一实例撤回' } } });
    await AppMeta.collection.updateOne({ key: 'public-cache' }, { $inc: { 'value.generation': 1 }, $set: { 'value.changedAt': new Date() } });
    const after = await request(w.app).get('/results').expect(200).expect('X-Public-Cache', 'miss');
    expect(rows(after.text)).not.to.include(target._id);
  });

  it('plan publication, task announcement and draw completion invalidate too: the world\'s set-up bumped the generation once for each', async () => {
    // resultsWorld: publishPlan, announceSlot, the draw's completion, then two publications.
    const meta = await AppMeta.collection.findOne({ key: 'public-cache' });
    expect((meta?.value as { generation: number }).generation).to.equal(5);
    const before = (await request(w.app).get('/plan-announcements').expect(200)).text;
    await request(w.app).get('/plan-announcements').expect(200).expect('X-Public-Cache', 'hit');
    const plan = (await Plan.findOne({ publishedAt: mongoose.trusted({ $exists: true }) }).lean())!;
    await amendPlan(plan.planKey, { name: '调整后的年度计划' }, '调整', w.chen);
    await request(w.app).get('/plan-announcements').expect(200).expect('X-Public-Cache', 'hit'); // a draft changes nothing public
    await publishPlan(plan.planKey, w.chen, w.clock.now());
    const after = await request(w.app).get('/plan-announcements').expect(200).expect('X-Public-Cache', 'miss');
    expect(before).not.to.include('调整后的年度计划');
    expect(after.text).to.include('调整后的年度计划');
  });

  it('concurrent requests share the generation reads and all see a completed invalidation', async () => {
    await Promise.all(Array.from({ length: 20 }, () => request(w.app).get('/results').expect(200)));
    const fourth = w.hidden[0]!;
    await reviewInspection(fourth._id, { decision: 'approve' }, w.chen, w.settings);
    const pages = await Promise.all(Array.from({ length: 20 }, () => request(w.app).get('/results').expect(200)));
    for (const p of pages) expect(rows(p.text)).to.include(fourth._id);
    expect(await mongoose.connection.collection('appmetas').countDocuments({ key: 'public-cache' })).to.equal(1);
  });

  it('an entity page appears (no stale 404 from the cache) once the entity\'s first result is published', async () => {
    const fourth = w.inspections[4]!;
    await request(w.app).get(`/entities/${fourth.creditCode}`).expect(404);
    await submitted(w, fourth);
    await reviewInspection(fourth._id, { decision: 'approve' }, w.chen, w.settings);
    await request(w.app).get(`/entities/${fourth.creditCode}`).expect(200);
  });
});
