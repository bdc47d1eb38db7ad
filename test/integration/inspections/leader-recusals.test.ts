// The team leader (组长) — the first member of the current team — on the inspection page, the
// notice and the record's signature block, and who leads after the leader recuses (the
// replacement, in the same position); and the recusals of a draw listed on its result page
// (/tasks/:id/runs/:run): entity, inspector out, replacement, reason, who asked, when.
import { expect } from 'chai';
import { DrawRun } from '../../../models/draw-run.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { Inspector } from '../../../models/inspector.js';
import { pageOf, pagesWorld, postForm, type PagesWorld } from './support.js';

const nameOf = async (id: string) => (await Inspector.findOne({ inspectorId: id }).lean())!;

describe('team leader and the recusals of a draw', () => {
  let w: PagesWorld;
  beforeEach(async () => { w = await pagesWorld(); });
  afterEach(async () => { await w.relay.close(); });

  it('the first member leads: marked 组长 on the page and the notice, named on the record\'s leader line; after the leader recuses, the replacement leads', async () => {
    const { chenUser: chen, first } = w;
    const url = pageOf(first._id);
    const [leader, other] = first.team as [string, string];
    const leaderRow = (html: string, id: string) => new RegExp(`data-member="${id}">[^]*?</tr>`).exec(html)![0];
    const shown = (await chen.agent.get(url).expect(200)).text;
    expect(leaderRow(shown, leader)).to.contain('data-leader').and.contain('组长');
    expect(leaderRow(shown, other)).to.not.contain('data-leader');
    const notice = (await chen.agent.get(`${url}/notice`).expect(200)).text;
    expect(leaderRow(notice, leader)).to.contain('data-leader');
    expect(leaderRow(notice, other)).to.not.contain('data-leader');
    const person = await nameOf(leader);
    const leaderLine = (html: string) => /data-signature="leader"><p>([^<]*)<\/p>/.exec(html)![1]!;
    expect(leaderLine((await chen.agent.get(`${url}/record`).expect(200)).text)).to.equal(`检查组组长 ${person.name}（执法证号 ${person.certificates[0]!.number}）签字`);
    expect(leaderLine((await chen.agent.get(`${url}/record?lang=en`).expect(200)).text)).to.contain(`Team leader ${person.name}`);

    await postForm(chen, `${url}/recusal`, { requestedBy: 'entity', recusalInspector: leader, recusalReason: '组长系企业股东亲属' }).expect(303);
    const after = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    const replacement = after.team[0]!;
    expect(replacement).to.not.equal(leader);
    expect(after.team).to.deep.equal([replacement, other]); // same position: the replacement leads
    expect(after.recusals[0]).to.include({ inspectorId: leader, replacement });
    const next = await nameOf(replacement);
    expect(leaderLine((await chen.agent.get(`${url}/record`).expect(200)).text)).to.contain(next.name);
    expect(leaderRow((await chen.agent.get(`${url}/notice`).expect(200)).text, replacement)).to.contain('data-leader');
  });

  it('GET /tasks/:id/runs/:run lists the run\'s recusals in order: entity, inspector out, replacement, reason, who asked and recorded it, when', async () => {
    const { chenUser: chen, first, a } = w;
    const run = (await DrawRun.findOne({ key: w.runKey }).lean())!;
    const runPage = `/tasks/${first.taskId}/runs/${run._id}`;
    expect((await chen.agent.get(runPage).expect(200)).text).to.contain('data-empty="recusals"');

    const [leader, member] = first.team as [string, string];
    await postForm(chen, `${pageOf(first._id)}/recusal`, { requestedBy: 'entity', recusalInspector: member, recusalReason: '企业申请：曾有纠纷' }).expect(303);
    await postForm(a, `${pageOf(first._id)}/recusal`, { requestedBy: 'inspector', recusalReason: '本人系法定代表人亲属' }).expect(303);
    const after = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
    const html = (await chen.agent.get(`${runPage}?lang=zh-CN`).expect(200)).text;
    const rows = [...html.matchAll(/<tr data-recusal="(\d+)">([^]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).to.deep.equal(['1', '2']);
    const [one, two] = rows.map((r) => r[2]!);
    expect(one).to.contain(first.entityName).and.contain(first.creditCode).and.contain((await nameOf(member)).name)
      .and.contain('企业申请：曾有纠纷').and.contain('被检查单位申请').and.contain(chen.username).and.contain('2026-07-24');
    expect(one).to.contain((await nameOf(after.recusals[0]!.replacement)).name);
    expect(two).to.contain((await nameOf(leader)).name).and.contain('本人系法定代表人亲属').and.contain('本人申请').and.contain(a.username);
    expect(two).to.contain((await nameOf(after.recusals[1]!.replacement)).name);
    const en = (await chen.agent.get(`${runPage}?lang=en`).expect(200)).text;
    expect(en).to.contain('Recusals').and.contain('Inspector out');
  });
});
