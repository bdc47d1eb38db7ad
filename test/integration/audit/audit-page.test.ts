// The audit trail page (/audit): supervisors and admins see the chain's head and verify the
// chain with a CSRF-protected POST that answers intact or names the first broken entry, in
// Chinese and English; inspectors are refused, anonymous visitors sent to sign in.
import { expect } from 'chai';
import request from 'supertest';
import { AuditEvent } from '../../../models/audit-event.js';
import { chainHead } from '../../../server/audit/chain.js';
import { signInAs } from '../../helpers/auth.js';
import { testApp } from '../../helpers/app.js';

const app = testApp();
/** A message key shown instead of its text (a key missing from a catalogue). */
const RAW_KEY = /\b(audit|start)\.[a-z][a-zA-Z.]*/;

describe('the audit trail page', () => {
  it('GET /audit, for a supervisor, shows the chain head and the verify form; POST /audit/verify answers that the chain is intact', async () => {
    const supervisor = await signInAs(app, 'supervisor'); // creating the account audited user.create
    const head = (await chainHead())!;
    const page = await supervisor.agent.get('/audit').expect(200);
    expect(page.text).to.include('审计日志');
    expect(page.text).to.include(`<dd data-field="seq">${head.seq}</dd>`);
    expect(page.text).to.include(head.hash);
    expect(page.text).to.match(/<form method="post" action="\/audit\/verify">\s*<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(page.text).to.not.match(RAW_KEY);
    const verified = await supervisor.agent.post('/audit/verify').type('form').send({ _csrf: supervisor.csrf }).expect(200);
    expect(verified.text).to.include('data-verdict="intact"').and.include('审计链完整。');
    expect(verified.text).to.not.match(RAW_KEY);
  });

  it('POST /audit/verify, after an entry was changed in the database, names that entry and the problem (English too)', async () => {
    const admin = await signInAs(app, 'admin');
    const first = await AuditEvent.collection.findOne({ seq: 1 });
    await AuditEvent.collection.updateOne({ _id: first!._id }, { $set: { action: 'user.disable' } });
    const zh = await admin.agent.post('/audit/verify').type('form').send({ _csrf: admin.csrf }).expect(200);
    expect(zh.text).to.include('data-verdict="broken"').and.include('data-problem="changed"');
    expect(zh.text).to.include(`序号 1（_id ${String(first!._id)}，user.disable，`);
    expect(zh.text).to.include('条目 1 在写入后被改动');
    await admin.agent.get('/audit?lang=en').expect(200);
    const en = await admin.agent.post('/audit/verify').type('form').send({ _csrf: admin.csrf }).expect(200);
    expect(en.text).to.include(`seq 1 (_id ${String(first!._id)}, user.disable, ${(first!.at as Date).toISOString()})`);
    expect(en.text).to.include('Entry 1 was changed after it was written');
    expect(en.text).to.not.match(RAW_KEY);
  });

  it('POST /audit/verify without the CSRF token is refused (403) and walks nothing', async () => {
    const supervisor = await signInAs(app, 'supervisor');
    const res = await supervisor.agent.post('/audit/verify').type('form').send({}).expect(403);
    expect(res.text).to.not.include('data-verdict');
  });

  it('the supervisor and admin start pages link to it', async () => {
    for (const role of ['supervisor', 'admin'] as const) {
      const user = await signInAs(app, role);
      const start = await user.agent.get(role === 'admin' ? '/admin' : '/supervisor').expect(200);
      expect(start.text, role).to.include('href="/audit"');
    }
  });

  it('GET and POST, for an inspector, answer 403; for an anonymous visitor, send to the login page', async () => {
    const inspector = await signInAs(app, 'inspector');
    await inspector.agent.get('/audit').expect(403);
    await inspector.agent.post('/audit/verify').type('form').send({ _csrf: inspector.csrf }).expect(403);
    const inspectorStart = await inspector.agent.get('/inspector').expect(200);
    expect(inspectorStart.text).to.not.include('href="/audit"');
    const anonymous = await request(app).get('/audit').expect(303);
    expect(String(anonymous.headers.location)).to.match(/^\/login/);
  });
});
