// ATTACHMENT_MAX_MB reaches the attachment upload of the inspection page: an app built with a
// limit of 1 MB (through inspectionSettingsFrom, as main.ts builds it from the config) refuses
// a 1.5 MB photo — which the 10 MB default would take — with the limit named on the page (413),
// and nothing of the file stays in the database; the form's hint names the configured limit.
import { expect } from 'chai';
import { Attachment } from '../../../models/attachment.js';
import { AttachmentChunk } from '../../../models/attachment-chunk.js';
import { Inspection, type InspectionRecord } from '../../../models/inspection.js';
import { createApp } from '../../../server/app.js';
import { workingCalendar } from '../../../server/calendar/calendar-store.js';
import { inspectionSettingsFrom } from '../../../server/inspections/settings.js';
import { createLogger } from '../../../server/logger.js';
import { signIn, signInAs, type SignedIn } from '../../helpers/auth.js';
import { jpegFile } from '../../helpers/sample-attachments.js';
import { describeItemA01, inspectorUser, lockedDraw, pageOf, postForm, type LockedDraw } from './support.js';

const MiB = 1024 * 1024;

describe('inspection attachments under ATTACHMENT_MAX_MB', () => {
  let w: LockedDraw;
  afterEach(async () => { await w.relay.close(); });

  it('POST /inspections/:id/attachments, with ATTACHMENT_MAX_MB=1, refuses a 1.5 MB photo on the page (413, the limit named) and stores nothing; a 0.9 MB photo is stored', async () => {
    w = await lockedDraw();
    await describeItemA01();
    const app = createApp({
      config: { isProduction: false, NODE_ENV: 'test', TRUST_PROXY: false }, logger: createLogger('silent'), timeZone: 'Asia/Shanghai', clock: w.clock.now,
      inspections: inspectionSettingsFrom({ TIME_ZONE: 'Asia/Shanghai', ATTACHMENT_MAX_MB: 1 }, workingCalendar, w.clock.now),
    });
    const first = w.inspections[0] as InspectionRecord;
    const a = await signIn(app, await inspectorUser(first.team[0]!));
    const chen = await signInAs(app, 'supervisor', { departmentCode: 'HJ-SCJG' });
    const page = pageOf(first._id);
    await postForm(chen, `${page}/approve`, { mode: 'desk' }).expect(303);
    const code = (await Inspection.findById(first._id).lean<InspectionRecord>())!.checkCode!;
    await postForm(a, `${page}/check-in`, { code, present: [...first.team] }).expect(303);

    const shown = await a.agent.get(`${page}?lang=zh-CN`).expect(200);
    expect(shown.text).to.contain('每个不超过 1 MB');
    const upload = (user: SignedIn, name: string, bytes: Buffer) => user.agent.post(`${page}/attachments?lang=zh-CN`).field('_csrf', user.csrf).attach('file', bytes, name);
    const refused = await upload(a, '大照片.jpg', jpegFile(Math.round(1.5 * MiB))).expect(413);
    expect(refused.text).to.contain('data-refusal').and.contain('附件超过 1 MB 的大小上限');
    expect(await Attachment.countDocuments({ 'owner.id': first._id })).to.equal(0);
    expect(await AttachmentChunk.countDocuments({})).to.equal(0);

    await upload(a, '小照片.jpg', jpegFile(Math.round(0.9 * MiB))).expect(303);
    const stored = await Attachment.find({ 'owner.id': first._id }).lean();
    expect(stored.map((f) => [f.fileName, f.state])).to.deep.equal([['小照片.jpg', 'stored']]);
  });
});
