// The inspection pages over HTTP, on the locked draw of support.ts: who sees what (a team member
// their own inspections only, another inspector and another department's supervisor 403 on the
// page and on every form), the whole cycle through the forms (approve → check-in with the code →
// findings → both confirm → submit → return → fix → resubmit → approve and publish → correct →
// follow-up), a form with bad input re-rendered with field messages and the typed values, the
// refusals shown on the page in the reader's language, the printed notice (QR code only once
// approved) and record, attachments, the lists and the supervisor's dashboard — and no raw
// message key on any page.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { AuditEvent, Inspector } from '../../../models/index.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { signIn, signInAs, type SignedIn } from '../../helpers/auth.js';
import { jpegFile } from '../../helpers/sample-attachments.js';
import { inspectorUser, pageOf, pagesWorld, postForm, type PagesWorld } from './support.js';

/** Catalogue keys that leaked into a page instead of their text. */
function rawKeys(html: string): string[] {
  return [...html.matchAll(/\b(?:inspections?|error\.field|nav|start|tasks|form|filter)\.[a-z][A-Za-z_]*(?:\.[A-Za-z_]+)*\b/g)].map((m) => m[0])
    .filter((key) => !/^inspections?\.(?:css|js|ejs|ts)$/.test(key));
}

async function html(user: SignedIn, path: string, status = 200, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  const res = await user.agent.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`).expect(status);
  expect(rawKeys(res.text), `raw message keys on ${path}`).to.deep.equal([]);
  return res.text;
}

const FINDINGS = {
  'items.0.methods': ['现场检查'], 'items.0.resultCategory': 'R02', 'items.0.problems': '未按期公示年度报告', 'items.0.handling': '责令限期公示',
  'items.0.followUp': 'F02', 'items.0.rectifyBy': '2026-08-24', 'items.0.note': '', resultCategory: 'R02',
};

const EVERY_POST = ['approve', 'check-in', 'check-in/late', 'findings', 'confirm', 'submit', 'review', 'correct', 'follow-up', 'recusal', 'attachments', 'attachments/0123456789abcdef01234567/remove'];

describe('inspection pages', () => {
  let w: PagesWorld;
  beforeEach(async () => { w = await pagesWorld(); });
  afterEach(async () => { await w.relay.close(); });

  it('GET /inspections, for an inspector, lists only the inspections of their current teams; a stranger gets 403 on the page, the documents and every form', async () => {
    const mine = await html(w.a, '/inspections');
    const expected = w.inspections.filter((i) => i.team.includes(w.first.team[0]!));
    expect(mine.match(/data-inspection="/g)).to.have.length(expected.length);
    expect(mine).to.contain(w.first.creditCode).and.contain('待审批');
    expect(mine).to.not.contain('data-dashboard');
    const other = w.inspections.find((i) => !i.team.includes(w.first.team[0]!));
    if (other) expect(mine).to.not.contain(other.creditCode);

    const outsider = (await Inspector.findOne({ inspectorId: mongoose.trusted({ $nin: w.inspections.flatMap((i) => i.team) }) }).lean())
      ?? (await Inspector.findOne({ inspectorId: mongoose.trusted({ $nin: w.first.team }) }).lean());
    const stranger = await signIn(w.app, await inspectorUser(outsider!.inspectorId));
    const page = pageOf(w.first._id);
    await stranger.agent.get(page).expect(403);
    await stranger.agent.get(`${page}/notice`).expect(403);
    await stranger.agent.get(`${page}/record`).expect(403);
    await stranger.agent.get(`${page}/attachments/0123456789abcdef01234567`).expect(403);
    for (const action of EVERY_POST) {
      const res = await postForm(stranger, `${page}/${action}`, { code: 'x', reviewComment: 'x', decision: 'approve', mode: 'onsite', requestedBy: 'inspector', recusalReason: 'x' });
      expect(res.status, action).to.equal(403);
    }
    const otherDept = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-WJ' });
    await otherDept.agent.get(page).expect(403);
    await otherDept.agent.get(`${page}/notice`).expect(403);
    for (const action of ['approve', 'review', 'correct', 'follow-up', 'recusal']) expect((await postForm(otherDept, `${page}/${action}`, { decision: 'approve', mode: 'onsite', requestedBy: 'entity' })).status, action).to.equal(403);
    expect(await html(otherDept, '/inspections')).to.contain('data-empty="inspections"');
    await w.a.agent.get('/inspections/no-such-inspection').expect(404);
    expect((await Inspection.findById(w.first._id).lean())!.state).to.equal('assigned');
  });

  it('runs the whole cycle through the forms: approve, check in with the code, findings, two confirmations, submit, return, fix, resubmit, publish, correct, follow-up', async () => {
    const { a, b, chenUser: chen, first } = w;
    const page = pageOf(first._id);

    // Before approval: the team sees no check-in form, the supervisor the approval form with the modes the items allow.
    const beforeApproval = await html(a, page);
    expect(beforeApproval).to.contain('data-form="recusal"');
    expect(beforeApproval).to.not.contain('data-form="check-in"');
    const toApprove = await html(chen, page);
    expect(toApprove).to.contain('data-form="approve"').and.contain('value="desk"').and.not.contain('value="data"');
    expect(toApprove).to.not.contain('data-form="findings"');
    // Non-site first: a site visit where a desk check would do needs a reason (422, the field says so, the choice is kept).
    const noReason = await postForm(chen, `${page}/approve`, { mode: 'onsite', approveReason: '' }).expect(422);
    expect(noReason.text).to.contain('选择现场检查须说明理由').and.contain('<option value="onsite" selected>');
    expect(rawKeys(noReason.text)).to.deep.equal([]);
    await postForm(chen, `${page}/approve`, { mode: 'onsite', approveReason: '需核对经营场所' }).expect(303);
    const approved = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect(approved.state).to.equal('approved');
    expect(await html(chen, page)).to.contain('已批准检查').and.contain('data-check-code');
    expect(await html(a, page)).to.not.contain('data-check-code');

    // Check-in: a wrong code is a field message; the right one, typed in lower case with dashes, works.
    const teamPage = await html(a, page);
    expect(teamPage).to.contain('data-form="check-in"').and.not.contain('data-form="approve"');
    const wrong = await postForm(a, `${page}/check-in`, { code: 'AAAA-AAAA-AAAA-AAAA', present: [...first.team] }).expect(422);
    expect(wrong.text).to.contain('检查码不正确').and.contain('value="AAAA-AAAA-AAAA-AAAA"');
    const single = await postForm(a, `${page}/check-in`, { code: approved.checkCode!, present: first.team[0]! }, 'en').expect(422);
    expect(single.text).to.contain('field-error');
    expect(rawKeys(single.text)).to.deep.equal([]);
    const typed = approved.checkCode!.toLowerCase().replace(/(.{4})(?=.)/g, '$1-');
    await postForm(a, `${page}/check-in`, { code: typed, present: [...first.team] }).expect(303);
    expect((await Inspection.findById(first._id).lean())!.state).to.equal('checked_in');

    // Findings: bad input re-renders with messages per item and keeps what was typed.
    const bad = await postForm(a, `${page}/findings`, { ...FINDINGS, 'items.0.methods': [], 'items.0.resultCategory': 'R99', 'items.0.rectifyBy': '24/08/2026', resultCategory: '' }).expect(422);
    expect(bad.text).to.contain('未按期公示年度报告').and.contain('value="24/08/2026"');
    expect(bad.text.match(/class="field-error"/g)?.length).to.be.greaterThanOrEqual(4);
    expect(bad.text).to.contain('日期格式应为 YYYY-MM-DD').and.contain('必填');
    expect(rawKeys(bad.text)).to.deep.equal([]);
    await postForm(a, `${page}/findings`, FINDINGS).expect(303);
    const saved = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect(saved).to.include({ state: 'findings_entered', resultCategory: 'R02', revision: 1 });
    expect(saved.findings[0]).to.include({ itemCode: 'A01', problems: '未按期公示年度报告', rectifyBy: '2026-08-24' });

    // Both members confirm the revision; the page says who is still to confirm, and an early submit is refused on the page (409).
    await postForm(a, `${page}/confirm`, { revision: '1' }).expect(303);
    const waiting = await html(a, page);
    expect(waiting).to.contain('data-waiting').and.not.contain('data-action="submit"').and.not.contain('data-form="confirm"');
    const early = await postForm(a, `${page}/submit`, {}).expect(409);
    expect(early.text).to.contain('尚待以下人员确认').and.contain('data-refusal');
    const earlyEn = await postForm(a, `${page}/submit`, {}, 'en').expect(409);
    expect(earlyEn.text).to.contain('Still to confirm');
    expect(await html(b, page)).to.contain('data-form="confirm"');
    await postForm(b, `${page}/confirm`, { revision: '1' }).expect(303);
    expect(await html(b, page)).to.contain('data-action="submit"');
    await postForm(b, `${page}/submit`, {}).expect(303);
    expect((await Inspection.findById(first._id).lean())!.state).to.equal('submitted');

    // The team may not review; the supervisor returns it with a comment (required).
    await postForm(a, `${page}/review`, { decision: 'return', reviewComment: 'x' }).expect(403);
    expect(await html(chen, page)).to.contain('data-form="review"');
    const noComment = await postForm(chen, `${page}/review`, { decision: 'return', reviewComment: '' }).expect(422);
    expect(noComment.text).to.contain('退回或不通过须填写审核意见').and.contain('value="return" checked');
    await postForm(chen, `${page}/review`, { decision: 'return', reviewComment: '请补充整改依据' }).expect(303);
    expect((await Inspection.findById(first._id).lean())!.state).to.equal('returned');

    // Fix, both confirm the new revision, resubmit.
    expect(await html(a, page)).to.contain('请补充整改依据').and.contain('data-form="findings"');
    await postForm(a, `${page}/findings`, { ...FINDINGS, 'items.0.note': '依据《企业信息公示暂行条例》第八条' }).expect(303);
    await postForm(a, `${page}/confirm`, { revision: '2' }).expect(303);
    await postForm(b, `${page}/confirm`, { revision: '1' }).expect(409); // a stale revision is refused on the page
    await postForm(b, `${page}/confirm`, { revision: '2' }).expect(303);
    await postForm(a, `${page}/submit`, {}).expect(303);

    // Approve and publish at once; the publication is shown, and the team's forms are gone.
    await postForm(chen, `${page}/review`, { decision: 'approve', reviewComment: '同意公示', publishAt: '' }).expect(303);
    const published = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect(published.state).to.equal('published');
    const after = await html(chen, page);
    expect(after).to.contain('已通过并公示').and.contain('data-form="correct"').and.contain('data-form="follow-up"');
    expect(await html(a, page)).to.not.contain('data-form=');

    // A correction is a new entry; follow-up until closed.
    expect((await postForm(chen, `${page}/correct`, { correctReason: '', correctCategory: 'R05' }).expect(422)).text).to.contain('必填');
    await postForm(chen, `${page}/correct`, { correctReason: '录入错误', correctCategory: 'R05' }).expect(303);
    await postForm(chen, `${page}/follow-up`, { measure: 'F02', followUpNote: '已责令限期改正' }).expect(303);
    await postForm(chen, `${page}/follow-up`, { measure: 'F01' }).expect(303);
    const closed = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect(closed.state).to.equal('closed');
    expect(closed.corrections).to.have.length(1);
    const final = await html(chen, page, 200, 'en');
    expect(final).to.contain('Closed').and.contain('data-correction');
    expect(await html(chen, `${page}/record`)).to.contain('依据《企业信息公示暂行条例》第八条');

    const actions = (await AuditEvent.find({ 'target.type': 'inspection', 'target.id': first._id }).lean()).map((e) => e.action);
    expect(actions).to.include.members(['inspection.approve', 'inspection.check_in', 'inspection.submit', 'inspection.return', 'inspection.publish', 'inspection.correct', 'inspection.close']);
  });

  it('refusals and problems of the other forms: a member of the team may not approve (403), a late check-in needs a reason and a day within the limit, a recusal moves the inspector off the team', async () => {
    const { a, chenUser: chen, first } = w;
    const page = pageOf(first._id);
    await postForm(a, `${page}/approve`, { mode: 'onsite' }).expect(403);
    const early = await postForm(a, `${page}/check-in/late`, { lateDay: '2026-07-24', latePresent: [...first.team], lateReason: '设备故障' }).expect(409);
    expect(early.text).to.contain('尚未审批');
    await postForm(chen, `${page}/approve`, { mode: 'onsite', approveReason: '现场核查' }).expect(303);
    const future = await postForm(a, `${page}/check-in/late`, { lateDay: '2026-07-30', latePresent: [...first.team], lateReason: '' }).expect(422);
    expect(future.text).to.contain('不能晚于今天（2026-07-24）').and.contain('<details class="late" open>');
    expect(rawKeys(future.text)).to.deep.equal([]);
    await postForm(a, `${page}/check-in/late`, { lateDay: '2026-07-24', latePresent: [...first.team], lateReason: '扫码设备故障' }).expect(303);
    const filed = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    expect(filed.checkIn).to.include({ via: 'certificate', lateReason: '扫码设备故障' });
    const list = await html(chen, '/inspections?view=late_check_in');
    expect(list).to.contain(first.creditCode).and.contain('data-marker="late_check_in"');

    // Recusal: another inspection, before its check-in; the member is replaced and sent back to their list.
    const second = w.inspections.find((i) => i._id !== first._id && i.team.includes(first.team[0]!))
      ?? w.inspections.find((i) => i._id !== first._id)!;
    // The member who steps back: a signed-in team member of the first inspection if they are on the
    // second too (their roster record is already linked to that account), else a new account.
    const [memberId, member] = second.team.includes(first.team[0]!) ? [first.team[0]!, a]
      : second.team.includes(first.team[1]!) ? [first.team[1]!, w.b]
        : [second.team[0]!, await signIn(w.app, await inspectorUser(second.team[0]!))];
    const secondPage = pageOf(second._id);
    expect((await postForm(member, `${secondPage}/recusal`, { requestedBy: 'inspector', recusalReason: '' }).expect(422)).text).to.contain('必填');
    // The reason is published in the draw record, whose texts are single-line: a field message, not a 409.
    expect((await postForm(member, `${secondPage}/recusal`, { requestedBy: 'inspector', recusalReason: '第一行\r\n第二行' }).expect(422)).text).to.contain('只能填写一行');
    const stepped = await postForm(member, `${secondPage}/recusal`, { requestedBy: 'inspector', recusalReason: '曾在该企业任职' }).expect(303);
    expect(stepped.headers.location).to.equal('/inspections');
    const replaced = (await Inspection.findById(second._id).lean<InspectionRecord>())!;
    expect(replaced.team).to.not.include(memberId);
    await member.agent.get(secondPage).expect(403);
    expect(await html(chen, secondPage)).to.contain('data-recusals').and.contain('曾在该企业任职');
  });

  it('GET /inspections/:id/notice shows items, rights, the year\'s count against the cap and the team; the code and its QR only once approved; /record has the signature blocks', async () => {
    const { a, chenUser: chen, first } = w;
    const page = pageOf(first._id);
    const draft = await html(a, `${page}/notice`);
    expect(draft).to.contain('行政检查通知书').and.contain('data-draft').and.contain('《企业信息公示暂行条例》第十四条');
    expect(draft).to.contain('申请回避').and.contain('陈述和申辩').and.contain('本年度第 1 次，年度上限 4 次');
    expect(draft).to.not.contain('<svg').and.not.contain('data-check-code').and.not.contain('class="site-header"');
    for (const id of first.team) {
      const person = (await Inspector.findOne({ inspectorId: id }).lean())!;
      expect(draft).to.contain(person.name).and.contain(person.certificates[0]!.number);
    }
    await postForm(chen, `${page}/approve`, { mode: 'desk', approveReason: '' }).expect(303);
    const code = (await Inspection.findById(first._id).lean<InspectionRecord>())!.checkCode!;
    const notice = await html(a, `${page}/notice`);
    expect(notice).to.not.contain('data-draft');
    expect(notice).to.match(/<div class="doc-qr"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(notice).to.contain(code.replace(/(.{4})(?=.)/g, '$1-')).and.contain(`/check/${code}`).and.contain('书面核查');
    expect(await html(a, `${page}/notice`, 200, 'en')).to.contain('Administrative inspection notice').and.contain('visit 1 this year, of at most 4');
    const record = await html(chen, `${page}/record`);
    for (const block of ['entity', 'inspector', 'leader', 'approver']) expect(record).to.contain(`data-signature="${block}"`);
    expect(record).to.contain('现场检查笔录').and.contain(first.creditCode);
  });

  it('attachments: the team uploads and removes a photo before submission, the supervisor downloads it, a file that is not an image or PDF is refused on the page (415)', async () => {
    const { a, chenUser: chen, first } = w;
    const page = pageOf(first._id);
    const upload = (user: SignedIn, name: string, bytes: Buffer) => user.agent.post(`${page}/attachments`).field('_csrf', user.csrf).attach('file', bytes, name);
    await upload(a, '现场照片.jpg', jpegFile(20 * 1024)).expect(409); // not checked in yet
    await postForm(chen, `${page}/approve`, { mode: 'desk' }).expect(303);
    const code = (await Inspection.findById(first._id).lean<InspectionRecord>())!.checkCode!;
    await postForm(a, `${page}/check-in`, { code, present: [...first.team] }).expect(303);
    await upload(a, '现场照片.jpg', jpegFile(20 * 1024)).expect(303);
    const refused = await upload(a, 'virus.jpg', Buffer.from('MZ this is not a picture')).expect(415);
    expect(refused.text).to.contain('data-refusal');
    const shown = await html(chen, page);
    const id = /data-attachment="([0-9a-f]{24})"/.exec(shown)![1]!;
    expect(shown).to.contain('现场照片.jpg').and.not.contain('data-action="remove-attachment"');
    const got = await chen.agent.get(`${page}/attachments/${id}`).expect(200);
    expect(got.headers['content-type']).to.equal('image/jpeg');
    await upload(chen, 'x.jpg', jpegFile(1024)).expect(403);
    await postForm(a, `${page}/attachments/${id}/remove`, {}).expect(303);
    await chen.agent.get(`${page}/attachments/${id}`).expect(404);
  });

  it('GET /inspections, for a supervisor, is a dashboard: awaiting approval, overdue and missing check-ins are counted and marked with a class and a text; filters keep stable URLs', async () => {
    const { chenUser: chen, first, clock } = w;
    await postForm(chen, `${pageOf(first._id)}/approve`, { mode: 'desk' }).expect(303);
    const today = await html(chen, '/inspections');
    expect(today).to.contain('data-dashboard');
    expect(today).to.match(/data-section="approval" data-count="4"/);
    expect(today).to.match(/data-section="due_soon" data-count="5"/);
    // A week later (signed in again: the session lasts 12 hours): every one is overdue, the approved one misses its check-in.
    clock.set('2026-07-31T02:00:00Z');
    const later = await signInAs(w.app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const dash = await html(later, '/inspections');
    expect(dash).to.match(/data-section="overdue" data-count="5"/).and.match(/data-section="missing_check_in" data-count="1"/);
    expect(dash).to.contain('class="dashboard-card dashboard-alarm"');
    const missing = await html(later, '/inspections?view=missing_check_in');
    expect(missing.match(/data-inspection="/g)).to.have.length(1);
    expect(missing).to.contain('marked-missing_check_in').and.contain('缺少签到');
    const byTask = await html(later, `/inspections?task=${encodeURIComponent(first.taskNumber)}&state=approved`);
    expect(byTask.match(/data-inspection="/g)).to.have.length(1);
    expect((await later.agent.get('/inspections?state=nonsense&dueBy=31-07').expect(422)).text).to.contain('请从列表中选择');
  });
});
