// The entity's anonymous rating against the real app and database: made with the reply code once
// the team has checked in, one per visit, validated; stored apart from the inspection with no
// rater identity; its audit entry names the department only; the department's supervisors who
// took no part read it on the inspection page; the team — and a supervisor who was on the team —
// never meet it on any page or JSON they can open (every GET route of the app is walked).
import { expect } from 'chai';
import { AuditEvent } from '../../../models/audit-event.js';
import { InspectionRating } from '../../../models/inspection-rating.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { Inspector } from '../../../models/inspector.js';
import { User } from '../../../models/user.js';
import { checkInWithCode } from '../../../server/inspections/check-in.js';
import { listRoutes } from '../../helpers/route-table.js';
import { signInAs, type SignedIn } from '../../helpers/auth.js';
import { approved, submitted } from '../inspections/progress.js';
import { inspectorActing, pageOf } from '../inspections/support.js';
import { enterpriseWorld, postReply, visitor, type EnterpriseWorld } from './support.js';

const COMMENT = '检查人员态度很好 marker-rating-5c1e';
const SCORES = { lawful: '5', courteous: '2', clear: '4', unobtrusive: '3' };
const load = (id: string) => Inspection.findById(id).lean<InspectionRecord>();
/** A page without what changes from one request to the next (CSRF tokens). */
const stable = (html: string) => html.replace(/(name="_csrf" value=|name="csrf-token" content=)"[^"]*"/g, '$1""');

describe('the anonymous rating', () => {
  let world: EnterpriseWorld;
  let first: InspectionRecord;
  let code: string;

  beforeEach(async () => {
    world = await enterpriseWorld();
    first = world.first;
    await submitted(world, first);
    const stored = (await load(first._id))!;
    code = stored.reply!.code!;
    first = stored;
  });
  afterEach(async () => { await world.relay.close(); });

  async function rate(status: number, fields: Record<string, string> = { ...SCORES, comment: COMMENT }) {
    return postReply(await visitor(world.app), '/check/reply/rating', { replyCode: code, ...fields }).expect(status);
  }

  it('POST /check/reply/rating stores it apart, with no rater identity, leaves the inspection untouched and audits only "the department received a rating"', async () => {
    const before = (await load(first._id))!;
    const res = await rate(200);
    expect(res.text).to.include('data-fact="rated"').and.not.include('data-form="rating"');
    const rows = await InspectionRating.find({}).lean();
    expect(rows).to.have.length(1);
    expect(Object.keys(rows[0]!).sort()).to.deep.equal(['_id', 'comment', 'departmentCode', 'inspectionId', 'on', 'scores', 'visit']);
    expect(rows[0]).to.deep.include({ inspectionId: first._id, departmentCode: 'HJ-SCJG', visit: 1, comment: COMMENT, on: '2026-07-24' });
    expect(rows[0]!.scores).to.deep.equal({ lawful: 5, courteous: 2, clear: 4, unobtrusive: 3 });
    const after = (await load(first._id))!;
    expect(after.version).to.equal(before.version);
    expect(JSON.stringify(after)).to.not.include('marker-rating').and.not.include(rows[0]!._id);
    const entries = await AuditEvent.find({ action: 'rating.received' }).lean();
    expect(entries).to.have.length(1);
    expect(entries[0]!.target).to.deep.include({ type: 'department', id: 'HJ-SCJG' });
    const text = JSON.stringify(entries[0]);
    expect(text).to.not.include(first._id).and.not.include(first.creditCode).and.not.include('marker-rating').and.not.include(rows[0]!._id);
  });

  it('one rating per visit: a second is refused with the day of the first; a missing or out-of-range score is a field problem', async () => {
    const missing = await rate(422, { lawful: '5', courteous: '', clear: '4', unobtrusive: '7', comment: '' });
    expect(missing.text).to.include('field-courteous-error').and.include('field-unobtrusive-error');
    expect(await InspectionRating.countDocuments({})).to.equal(0);
    await rate(200);
    const again = await rate(409, { ...SCORES, comment: 'second' });
    expect(again.text).to.include('2026-07-24');
    expect(await InspectionRating.countDocuments({})).to.equal(1);
  });

  it('the unique index holds: one rating per inspection and visit', async () => {
    await InspectionRating.init();
    const row = { inspectionId: first._id, departmentCode: 'HJ-SCJG', visit: 1, scores: { lawful: 1, courteous: 1, clear: 1, unobtrusive: 1 }, on: '2026-07-24' };
    await InspectionRating.create(row);
    let failed: unknown = null;
    await InspectionRating.create(row).catch((e: unknown) => { failed = e; });
    expect((failed as { code?: number } | null)?.code).to.equal(11000);
  });

  it('the department\'s supervisor who took no part reads the scores and the comment on the inspection page', async () => {
    await rate(200);
    const page = await world.chenUser.agent.get(pageOf(first._id)).expect(200);
    expect(page.text).to.include('marker-rating-5c1e').and.include('data-rating="1"');
    expect(page.text).to.include('2 · 不满意');
  });

  it('the team never meets it: the inspection page is byte for byte what it was, and no page or JSON the members can open mentions it', async () => {
    const pageBefore = stable((await world.a.agent.get(pageOf(first._id)).expect(200)).text);
    await rate(200);
    const pageAfter = stable((await world.a.agent.get(pageOf(first._id)).expect(200)).text);
    expect(pageAfter).to.equal(pageBefore);

    const checkCode = (await load(first._id))!.checkCode!;
    const fill = (path: string) => path.replace(':id', encodeURIComponent(first._id)).replace(':code', checkCode).replace(/:\w+/g, '0123456789abcdef01234567').replace(/\*\w+/g, 'x');
    const gets = [...new Set(listRoutes(world.app).routes.filter((r) => r.method === 'GET').map((r) => fill(r.path)))];
    let opened = 0;
    for (const member of [world.a, world.b]) {
      for (const path of gets) {
        const res = await member.agent.get(path).redirects(0);
        if (res.status !== 200) continue;
        opened += 1;
        const body = res.text ?? JSON.stringify(res.body);
        expect(body, path).to.not.include('marker-rating').and.not.include('data-rating=').and.not.include('rating-entry');
      }
    }
    expect(opened, 'pages the members could open').to.be.greaterThan(8);
  });

  it('a supervisor who was on the team does not see it, though the department\'s other supervisor does', async () => {
    // Another inspection with a member who has no account yet (the first one's members have).
    const other = world.inspections.find((i) => i._id !== first._id && i.team.some((id) => !first.team.includes(id)))!;
    const head = other.team.find((id) => !first.team.includes(id))!;
    await submitted(world, other);
    const otherCode = (await load(other._id))!.reply!.code!;
    await postReply(await visitor(world.app), '/check/reply/rating', { replyCode: otherCode, ...SCORES, comment: COMMENT }).expect(200);
    // A department head on the roster: their account carries a roster id, as an inspector's does.
    const member: SignedIn = await signInAs(world.app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const rosterRow = await Inspector.findOne({ inspectorId: head }).select('_id').lean();
    await User.updateOne({ _id: member.user.id }, { $set: { inspectorId: rosterRow!._id } });
    const page = await member.agent.get(pageOf(other._id)).expect(200);
    expect(page.text).to.not.include('marker-rating').and.not.include('data-rating=');
    const independent = await world.chenUser.agent.get(pageOf(other._id)).expect(200);
    expect(independent.text).to.include('marker-rating-5c1e');
  });

  it('before the check-in there is no reply code to rate with; from the check-in on there is', async () => {
    const other = world.inspections[2]!;
    const ok = await approved(world, other);
    expect(ok.reply?.code).to.equal(undefined);
    const [a, b] = other.team as [string, string];
    const checkedIn = await checkInWithCode(other._id, ok.checkCode!, [a, b], inspectorActing(a), world.settings);
    expect(checkedIn.reply?.code).to.match(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    const res = await postReply(await visitor(world.app), '/check/reply', { replyCode: checkedIn.reply!.code! }).expect(200);
    expect(res.text).to.include('data-form="rating"').and.include('data-findings="none"').and.include('data-statement="not_submitted"');
  });
});
