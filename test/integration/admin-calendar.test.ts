// The stored working-day calendar: overrides set and removed through the use cases (each
// audited, the calendar in effect following at once, also when another instance changed the
// rows), and the admin page /admin/calendar — admins only, the one form pipeline (422 with
// field messages in both languages, no raw key, values kept), warnings for years without data.
import { expect } from 'chai';
import { AuditEvent, CalendarDay } from '../../models/index.js';
import type { ChangeContext } from '../../server/audit/changes.js';
import { calendarOverview, removeCalendarDay, setCalendarDay, workingCalendar } from '../../server/calendar/calendar-store.js';
import { NotFoundError } from '../../server/errors.js';
import { signInAs, type SignedIn } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';

const cli: ChangeContext = { actor: { kind: 'cli', label: 'calendar-test' }, requestId: 'req-calendar' };
/** 20 November 2026, 10:00 in Shanghai: the 2027 arrangement is just out, the package does not have it. */
const NOVEMBER_2026 = () => new Date('2026-11-20T02:00:00Z');
/** A raw message key on a page (calendar.x, error.field.x, …) as text. */
const RAW_KEY = />[^<]*\b(?:error\.field|calendar|flash|catalog|form)\.[a-zA-Z_]+[^<]*</;

describe('the working-day calendar store', () => {
  it('setCalendarDay, for a new day, stores it, audits calendar.add and the calendar in effect counts it', async () => {
    expect((await workingCalendar()).isWorkingDay('2027-10-01')).to.equal(true);
    const result = await setCalendarDay({ day: '2027-10-01', kind: 'holiday', note: '国庆节' }, cli);
    expect(result.created).to.equal(true);
    const stored = await CalendarDay.findOne({ day: '2027-10-01' }).lean();
    expect([stored?.kind, stored?.note, stored?.who]).to.deep.equal(['holiday', '国庆节', 'calendar-test']);
    const audit = await AuditEvent.find({ action: 'calendar.add', 'target.id': '2027-10-01' }).lean();
    expect(audit).to.have.length(1);
    expect([audit[0]?.actor.label, audit[0]?.requestId, audit[0]?.after]).to.deep.equal(['calendar-test', 'req-calendar', { kind: 'holiday', note: '国庆节' }]);
    const calendar = await workingCalendar();
    expect(calendar.isWorkingDay('2027-10-01')).to.equal(false);
    expect(calendar.addWorkingDays('2027-09-30', 1)).to.equal('2027-10-04');
    expect(calendar.covers(2027)).to.equal(true);
  });

  it('setCalendarDay, for a day already set, replaces it (calendar.update with the changed fields); the same again audits nothing', async () => {
    await setCalendarDay({ day: '2027-10-09', kind: 'holiday', note: '国庆节' }, cli);
    const result = await setCalendarDay({ day: '2027-10-09', kind: 'workday', note: '国庆节' }, cli);
    expect([result.created, result.changes]).to.deep.equal([false, { kind: { from: 'holiday', to: 'workday' } }]);
    await setCalendarDay({ day: '2027-10-09', kind: 'workday', note: '国庆节' }, cli);
    expect(await AuditEvent.countDocuments({ action: 'calendar.update' })).to.equal(1);
    expect(await CalendarDay.countDocuments()).to.equal(1);
    expect((await workingCalendar()).isWorkingDay('2027-10-09'), 'Saturday 2027-10-09 (调休)').to.equal(true);
  });

  it('removeCalendarDay brings back the package answer and audits calendar.remove; an unknown day is NotFoundError', async () => {
    await setCalendarDay({ day: '2026-10-10', kind: 'holiday', note: '更正' }, cli);
    expect((await workingCalendar()).isWorkingDay('2026-10-10')).to.equal(false);
    await removeCalendarDay('2026-10-10', cli);
    expect((await workingCalendar()).isWorkingDay('2026-10-10'), 'the package make-up Saturday').to.equal(true);
    const removal = await AuditEvent.findOne({ action: 'calendar.remove', 'target.id': '2026-10-10' }).lean();
    expect(removal?.before).to.deep.equal({ kind: 'holiday', note: '更正' });
    const error = await removeCalendarDay('2026-10-10', cli).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NotFoundError);
  });

  it('workingCalendar hands out the same calendar while the rows are unchanged, and sees rows another instance changed', async () => {
    await setCalendarDay({ day: '2027-01-01', kind: 'holiday', note: '元旦' }, cli);
    const first = await workingCalendar();
    expect(await workingCalendar()).to.equal(first);
    // Another app instance on the same database removes it (this process's use cases are not told).
    await CalendarDay.deleteOne({ day: '2027-01-01' });
    const after = await workingCalendar();
    expect(after).to.not.equal(first);
    expect(after.isWorkingDay('2027-01-01')).to.equal(true);
    expect((await calendarOverview()).overrides).to.deep.equal([]);
  });

  it('CalendarDay: the day is unique', async () => {
    await CalendarDay.create({ day: '2027-05-01', kind: 'holiday', note: '劳动节', who: 'x' });
    const error = await CalendarDay.create({ day: '2027-05-01', kind: 'workday', note: '重复', who: 'y' }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).to.equal(11000);
    expect(await CalendarDay.countDocuments()).to.equal(1);
  });
});

describe('the admin page /admin/calendar', () => {
  const app = testApp({ now: NOVEMBER_2026 });
  let admin: SignedIn;

  beforeEach(async () => {
    admin = await signInAs(app, 'admin');
  });

  it('GET, for an admin in November 2026, lists 2026 from the package and warns that 2027 has no data', async () => {
    const page = await admin.agent.get('/admin/calendar').expect(200);
    expect(page.text).to.include('<h1>工作日历</h1>');
    expect(page.text).to.match(/data-day="2026-10-01" data-kind="holiday" data-source="package"/);
    expect(page.text).to.match(/data-day="2026-10-10" data-kind="workday" data-source="package"/);
    expect(page.text).to.match(/data-day="2026-09-20" data-kind="workday" data-source="package"/);
    expect(page.text).to.include('data-missing-year="2027"').and.include('2027 年尚无节假日安排数据');
    expect(page.text).to.not.include('data-missing-year="2026"');
    expect(page.text).to.not.include('/remove"');
    expect(page.text).to.not.match(RAW_KEY);
    const english = await admin.agent.get('/admin/calendar?year=2026&lang=en').expect(200);
    expect(english.text).to.include('No holiday data for 2027 yet').and.include('National Day');
    expect(english.text).to.not.match(RAW_KEY);
  });

  it('POST adds a 2027 holiday and make-up Saturday; the year shows them as overrides and the warning is gone', async () => {
    const added = await admin.agent.post('/admin/calendar').type('form').send({ _csrf: admin.csrf, day: '2027-10-01', kind: 'holiday', note: '国庆节' }).expect(303);
    expect(added.headers.location).to.equal('/admin/calendar?year=2027#day-2027-10-01');
    await admin.agent.post('/admin/calendar').type('form').send({ _csrf: admin.csrf, day: ' 2027-10-09 ', kind: 'workday', note: '国庆节调休上班' }).expect(303);
    expect(await CalendarDay.find({}, { _id: 0, day: 1, kind: 1 }).sort({ day: 1 }).lean()).to.deep.equal([
      { day: '2027-10-01', kind: 'holiday' },
      { day: '2027-10-09', kind: 'workday' },
    ]);
    expect(await AuditEvent.countDocuments({ action: 'calendar.add', 'actor.label': admin.username })).to.equal(2);
    const page = await admin.agent.get('/admin/calendar?year=2027').expect(200);
    expect(page.text).to.include('已保存该日的安排。');
    expect(page.text).to.match(/data-day="2027-10-01" data-kind="holiday" data-source="override"/);
    expect(page.text).to.match(/data-day="2027-10-09" data-kind="workday" data-source="override"/);
    expect(page.text).to.include('action="/admin/calendar/2027-10-09/remove"');
    expect(page.text).to.include(admin.username);
    expect(page.text).to.not.include('data-missing-year="2027"');
    const calendar = await workingCalendar();
    expect([calendar.addWorkingDays('2027-09-30', 1), calendar.addWorkingDays('2027-10-08', 1)]).to.deep.equal(['2027-10-04', '2027-10-09']);
  });

  it('POST /:day/remove removes an override (audited); an unknown or malformed day answers 404', async () => {
    await setCalendarDay({ day: '2026-10-10', kind: 'holiday', note: '更正' }, cli);
    const before = await admin.agent.get('/admin/calendar?year=2026').expect(200);
    expect(before.text).to.match(/data-day="2026-10-10" data-kind="holiday" data-source="override"/);
    expect(before.text).to.include('替代软件包的“上班（调休）”');
    const removed = await admin.agent.post('/admin/calendar/2026-10-10/remove').type('form').send({ _csrf: admin.csrf }).expect(303);
    expect(removed.headers.location).to.equal('/admin/calendar?year=2026');
    expect(await CalendarDay.countDocuments()).to.equal(0);
    expect(await AuditEvent.countDocuments({ action: 'calendar.remove', 'target.id': '2026-10-10', 'actor.label': admin.username })).to.equal(1);
    const after = await admin.agent.get('/admin/calendar?year=2026').expect(200);
    expect(after.text).to.include('已删除该日的录入').and.match(/data-day="2026-10-10" data-kind="workday" data-source="package"/);
    await admin.agent.post('/admin/calendar/2026-10-10/remove').type('form').send({ _csrf: admin.csrf }).expect(404);
    await admin.agent.post('/admin/calendar/2026-13-01/remove').type('form').send({ _csrf: admin.csrf }).expect(404);
    await admin.agent.post('/admin/calendar/x/remove').type('form').send({ _csrf: admin.csrf }).expect(404);
  });

  it('POST with bad input re-renders the page with 422, each field message (zh-CN and en), the values typed and nothing stored', async () => {
    const bad = await admin.agent.post('/admin/calendar').type('form').send({ _csrf: admin.csrf, day: '2027-02-30', kind: 'weekend', note: '' }).expect(422);
    expect(bad.text).to.include('日期格式应为 YYYY-MM-DD').and.include('请从列表中选择').and.include('必填');
    expect(bad.text).to.include('value="2027-02-30"');
    expect(bad.text).to.include('data-error-summary');
    expect(bad.text).to.not.match(RAW_KEY);
    const english = await admin.agent.post('/admin/calendar?lang=en').type('form').send({ _csrf: admin.csrf, day: '1999-10-01', kind: 'holiday', note: 'x'.repeat(201) }).expect(422);
    expect(english.text).to.include('The year must be between 2000 and 2100.').and.include('at most 200');
    expect(english.text).to.not.match(RAW_KEY);
    const kept = await admin.agent.post('/admin/calendar?lang=zh-CN').type('form').send({ _csrf: admin.csrf, day: '2027-10-01', kind: '', note: '国庆节' }).expect(422);
    expect(kept.text).to.include('value="国庆节"').and.include('value="2027-10-01"');
    expect(kept.text, 'the page shows the year of the day typed').to.include('2027 年的放假日和调休上班日');
    const empty = await admin.agent.post('/admin/calendar').type('form').send({ _csrf: admin.csrf }).expect(422);
    expect(empty.text.match(/<p class="field-error" id="field-(?:day|note)-error">必填<\/p>/g)).to.have.length(2);
    expect(await CalendarDay.countDocuments()).to.equal(0);
  });

  it('POST with hostile shapes (repeated fields, operators, control characters) answers 422, never 500', async () => {
    const cases = [
      { day: ['2027-10-01', '2027-10-02'], kind: 'holiday', note: 'x' },
      { 'day[$gt]': '', kind: 'holiday', note: 'x' },
      { day: '2027-10-01', kind: ['holiday', 'workday'], note: 'x' },
      { day: '2027-10-01', kind: 'holiday', note: 'a\u0000b' },
    ];
    for (const body of cases) {
      const res = await admin.agent.post('/admin/calendar').type('form').send({ _csrf: admin.csrf, ...body });
      expect(res.status, JSON.stringify(body)).to.equal(422);
      expect(res.text).to.not.match(RAW_KEY);
    }
    expect(await CalendarDay.countDocuments()).to.equal(0);
  });

  it('GET ?year= out of range or not a number re-renders with the field message; an uncovered year is shown with a warning', async () => {
    const bad = await admin.agent.get('/admin/calendar?year=abc').expect(422);
    expect(bad.text).to.include('应为整数').and.include('value="abc"');
    await admin.agent.get('/admin/calendar?year=1999').expect(422);
    const far = await admin.agent.get('/admin/calendar?year=2031').expect(200);
    expect(far.text).to.include('data-uncovered-year="2031"').and.include('data-calendar-empty');
    expect(far.text).to.not.match(RAW_KEY);
  });

  it('a supervisor or an inspector gets 403 and changes nothing', async () => {
    await setCalendarDay({ day: '2027-10-01', kind: 'holiday', note: '国庆节' }, cli);
    for (const role of ['supervisor', 'inspector'] as const) {
      const other = await signInAs(app, role);
      await other.agent.get('/admin/calendar').expect(403);
      await other.agent.post('/admin/calendar').type('form').send({ _csrf: other.csrf, day: '2027-10-02', kind: 'holiday', note: 'x' }).expect(403);
      await other.agent.post('/admin/calendar/2027-10-01/remove').type('form').send({ _csrf: other.csrf }).expect(403);
    }
    expect(await CalendarDay.find({}, { _id: 0, day: 1 }).lean()).to.deep.equal([{ day: '2027-10-01' }]);
  });
});
