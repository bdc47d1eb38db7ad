// Text typed into a textarea keeps its line breaks all the way to the database: the form layer
// lets them through (readForm's multiline list) and so must the model's safe-text backstop
// (`multiline: true` on the path, models/safe-text.ts). One form per model that stores textarea
// text, saved with "a\r\nb" over HTTP; test/unit/multiline-paths.test.ts checks every textarea
// against its model path.
import { expect } from 'chai';
import { InspectionItem } from '../../models/inspection-item.js';
import { InspectionRating } from '../../models/inspection-rating.js';
import { Plan } from '../../models/plan.js';
import { Inspection, type InspectionRecord } from '../../models/inspection.js';
import { loadDefaults } from '../../server/demo/load-world.js';
import { signIn, signInAs, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';
import { inspectorUser, pageOf, pagesWorld, postForm, type PagesWorld } from './inspections/support.js';
import { enterpriseWorld, postReply, visitor } from './enterprise/support.js';
import { submitted } from './inspections/progress.js';
import { location, pagesApp, PLAN_FIELDS, post, supervisorOf } from './plans-pages/support.js';

const TYPED = 'a\r\nb';
/** What a browser's CRLF may become once stored: a line break either way, never refused. */
const LINES = /^a\r?\nb$/;

describe('multi-line text through the forms', () => {
  describe('admin item list', () => {
    const app = testApp();

    it('POST /admin/items/:code keeps line breaks in the legal basis and the content', async () => {
      await loadDefaults();
      const admin = await signInAs(app, 'admin', { departmentCode: 'HJ-SCJG' });
      await admin.agent
        .post('/admin/items/A01')
        .type('form')
        .send({ _csrf: admin.csrf, name: '直销违法行为检查', departmentCode: 'HJ-SCJG', kind: '重点', methods: ['现场检查'], legalBasis: TYPED, content: '第一行\n第二行' })
        .expect(303);
      const item = await InspectionItem.findOne({ code: 'A01' }).lean();
      expect(item?.legalBasis).to.match(LINES);
      expect(item?.content).to.equal('第一行\n第二行');
    });
  });

  describe('inspection page forms (Inspection)', () => {
    let w: PagesWorld;
    beforeEach(async () => { w = await pagesWorld(); });
    afterEach(async () => { await w.relay.close(); });

    /** A signed-in member of an inspection's team: one of the first inspection's, or a new account (each roster inspector has one account). */
    const signedIn = new Map<string, SignedIn>();
    async function memberOf(inspection: InspectionRecord): Promise<SignedIn> {
      signedIn.set(w.first.team[0]!, w.a).set(w.first.team[1]!, w.b);
      const known = inspection.team.find((id) => signedIn.has(id));
      if (known) return signedIn.get(known)!;
      const user = await signIn(w.app, await inspectorUser(inspection.team[0]!));
      signedIn.set(inspection.team[0]!, user);
      return user;
    }

    it('approval reason, findings, late check-in reason keep their line breaks', async () => {
      const { a, chenUser: chen, first } = w;
      // Not the recusal reason: the draw record (DRAW-SPEC) publishes it and its texts have no
      // line breaks, so it is a one-line field (the next test).
      const page = pageOf(first._id);
      await postForm(chen, `${page}/approve`, { mode: 'onsite', approveReason: TYPED }).expect(303);
      const code = (await Inspection.findById(first._id).lean<InspectionRecord>())!.checkCode!;
      await postForm(a, `${page}/check-in`, { code, present: [...first.team] }).expect(303);
      await postForm(a, `${page}/findings`, {
        'items.0.methods': ['现场检查'], 'items.0.resultCategory': 'R02', 'items.0.problems': TYPED, 'items.0.handling': TYPED,
        'items.0.followUp': 'F02', 'items.0.rectifyBy': '2026-08-24', 'items.0.note': TYPED, resultCategory: 'R02',
      }).expect(303);
      const stored = (await Inspection.findById(first._id).lean<InspectionRecord>())!;
      expect(stored.approval?.reason).to.match(LINES);
      const finding = stored.findings[0]!;
      expect([finding.problems, finding.handling, finding.note].every((t) => LINES.test(t ?? ''))).to.equal(true);

      // A late check-in (filed without the code) on another inspection, by one of its members.
      const third = w.inspections.find((i) => i._id !== first._id)!;
      const current = (await Inspection.findById(third._id).lean<InspectionRecord>())!;
      await postForm(chen, `${pageOf(third._id)}/approve`, { mode: 'onsite', approveReason: '现场核查' }).expect(303);
      await postForm(await memberOf(current), `${pageOf(third._id)}/check-in/late`, { lateDay: '2026-07-24', latePresent: [...current.team], lateReason: TYPED }).expect(303);
      expect((await Inspection.findById(third._id).lean<InspectionRecord>())!.checkIn?.lateReason).to.match(LINES);
    });
  });

  describe('plans (Plan)', () => {
    it('POST /plans and /plans/:key/amend keep line breaks in the scope, the necessity note and the amendment reason', async () => {
      const { app } = pagesApp();
      const chen = await supervisorOf(app);
      const created = await post(chen, '/plans', { ...PLAN_FIELDS, inspectionType: '专项', scope: TYPED, necessityNote: TYPED }).expect(303);
      await post(chen, `${location(created)}/amend`, { ...PLAN_FIELDS, inspectionType: '专项', scope: TYPED, necessityNote: TYPED, amendmentReason: TYPED }).expect(303);
      const plan = (await Plan.findOne({}).sort({ _id: -1 }).lean())!;
      expect([plan.scope, plan.necessityNote, plan.amendmentReason].every((t) => LINES.test(t ?? ''))).to.equal(true);
    });
  });

  describe('the entity\'s rating (InspectionRating)', () => {
    it('POST /check/reply/rating keeps line breaks in the comment', async () => {
      const world = await enterpriseWorld();
      try {
        await submitted(world, world.first);
        const code = (await Inspection.findById(world.first._id).lean<InspectionRecord>())!.reply!.code!;
        await postReply(await visitor(world.app), '/check/reply/rating', { replyCode: code, lawful: '5', courteous: '4', clear: '4', unobtrusive: '5', comment: TYPED }).expect(200);
        const rows = await InspectionRating.find({}).lean();
        expect(rows.map((r) => r.comment)).to.satisfy((c: string[]) => c.length === 1 && LINES.test(c[0]!));
      } finally {
        await world.relay.close();
      }
    });
  });
});
