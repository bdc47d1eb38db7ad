// The audit trail entry by entry (/audit/entries): administrators and observers (执法监督) read
// every department's entries, newest first, 50 a page by chain number, one action or one target;
// a department's supervisor does not; a bad page number is a field message, never a 500.
import { expect } from 'chai';
import { recordAudit } from '../../../server/audit/chain.js';
import { testApp } from '../../helpers/app.js';
import { signInAs } from '../../helpers/auth.js';

const seqsOn = (html: string) => [...html.matchAll(/<tr data-seq="(\d+)">/g)].map((m) => Number(m[1]));

describe('the audit trail, entry by entry', () => {
  it('an observer pages through every entry newest first, filters by action and by target; a supervisor is refused; a bad page is 422', async () => {
    for (let n = 1; n <= 55; n += 1) {
      await recordAudit({ actor: { kind: 'cli', label: 'entries-test' }, action: n % 5 === 0 ? 'inspection.publish' : 'user.update', target: { type: 'user', id: `u${n}`, label: `用户${n}` }, after: { n } });
    }
    const app = testApp();
    const observer = await signInAs(app, 'observer', { departmentCode: 'JW' });
    const first = await observer.agent.get('/audit/entries').expect(200);
    const page1 = seqsOn(first.text);
    expect(page1).to.have.length(50);
    expect(page1[0]).to.be.greaterThan(page1[49]!); // newest first
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    const page2 = seqsOn((await observer.agent.get(older).expect(200)).text);
    expect(page2.length).to.be.at.least(5);
    expect(Math.max(...page2)).to.be.lessThan(Math.min(...page1)); // no overlap, nothing skipped
    expect(new Set([...page1, ...page2]).size).to.equal(page1.length + page2.length);

    const published = await observer.agent.get('/audit/entries?action=inspection.publish').expect(200);
    expect(seqsOn(published.text)).to.have.length(11);
    expect(published.text).to.not.include('>user.update<');
    const one = await observer.agent.get('/audit/entries?target=u7').expect(200);
    expect(seqsOn(one.text)).to.have.length(1);
    expect(one.text).to.include('用户7');

    const bad = await observer.agent.get('/audit/entries?before=abc').expect(422);
    expect(bad.text).to.include('data-error-summary').and.include('列表中没有这一页');
    const admin = await signInAs(app, 'admin');
    await admin.agent.get('/audit/entries').expect(200);
    const supervisor = await signInAs(app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    await supervisor.agent.get('/audit/entries').expect(403);
    expect((await supervisor.agent.get('/audit').expect(200)).text).to.not.include('data-link="audit-entries"');
    expect((await observer.agent.get('/audit').expect(200)).text).to.include('data-link="audit-entries"');
  });
});
