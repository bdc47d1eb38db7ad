// A day is the day in TIME_ZONE (Asia/Shanghai in tests), never the UTC day: between 00:00 and
// 08:00 in Beijing the UTC date is still the day before. Two places took the UTC day: the
// supervision alerts' "filed beyond the limit" of a late check-in, and the default year of a
// new plan on New Year's Eve.
import { expect } from 'chai';
import { inspectionSettingsFrom, type WorkingDays } from '../../server/inspections/settings.js';
import { deadlineAlerts } from '../../server/supervision/deadlines.js';
import { uniqueCreditCode } from '../helpers/factories.js';
import { insertInspection } from './statistics/fixtures.js';
import { pagesApp, supervisorOf } from './plans-pages/support.js';

/** Monday to Friday (no holidays: the days below are none). */
const WEEKDAYS: WorkingDays = {
  addWorkingDays(day, n) {
    let at = Date.parse(`${day}T00:00:00Z`);
    for (let left = n; left > 0;) {
      at += 86_400_000;
      if (![0, 6].includes(new Date(at).getUTCDay())) left -= 1;
    }
    return new Date(at).toISOString().slice(0, 10);
  },
  workingDaysBetween: () => 0,
};

describe('the day of an instant is the Beijing day', () => {
  it('deadlineAlerts, for a certificate check-in filed at 00:30 Beijing on the day after the limit, marks it filed beyond the limit; 23:30 the day before is within', async () => {
    const settings = inspectionSettingsFrom({ LATE_CHECK_IN_WORKING_DAYS: 3 }, async () => WEEKDAYS, () => new Date('2026-10-20T04:00:00Z'));
    // Visited Wednesday 7 October; 3 working days later is Monday 12 October, the last day to file.
    const checkIn = (filedAt: string) => ({ via: 'certificate', day: '2026-10-07', lateReason: '现场无网络', filedAt: new Date(filedAt), inspectors: ['T1', 'T2'] });
    const late = uniqueCreditCode();
    const onTime = uniqueCreditCode();
    await insertInspection({ creditCode: late, state: 'checked_in', checkIn: checkIn('2026-10-12T16:30:00Z') }); // 00:30 on the 13th in Beijing
    await insertInspection({ creditCode: onTime, state: 'checked_in', checkIn: checkIn('2026-10-12T15:30:00Z') }); // 23:30 on the 12th
    const { lateCheckIns } = await deadlineAlerts(2026, settings, 'HJ-SCJG');
    const beyond = Object.fromEntries(lateCheckIns.rows.map((r) => [r.creditCode, r.filedBeyondLimit]));
    expect(beyond).to.deep.equal({ [late]: true, [onTime]: false });
  });

  it('GET /plans/new, at 20:00 UTC on 31 December 2026 (04:00 on 1 January in Beijing), proposes the year 2027', async () => {
    const { app } = pagesApp([], '2026-12-31T20:00:00Z');
    const supervisor = await supervisorOf(app);
    const page = await supervisor.agent.get('/plans/new').expect(200);
    expect(page.text).to.match(/name="year"[^>]*value="2027"/);
  });

  it('GET /plans/new, at 15:59 UTC on 31 December 2026 (23:59 in Beijing), still proposes 2026', async () => {
    const { app } = pagesApp([], '2026-12-31T15:59:00Z');
    const supervisor = await supervisorOf(app);
    const page = await supervisor.agent.get('/plans/new').expect(200);
    expect(page.text).to.match(/name="year"[^>]*value="2026"/);
  });
});
