// Counting working days (工作日): weekends and public holidays do not count, 调休 make-up days
// do, the day a period starts from is not counted; admins' overrides win over the package.
// Dates are the real 2026 arrangement shipped by chinese-days 1.5.7 (国庆节 10-01…10-07, 中秋
// 09-25…09-27, make-up working days Sunday 09-20 and Saturday 10-10).
import { expect } from 'chai';
import { isWorkday } from 'chinese-days';
import { MAX_WORKING_DAYS, WorkingCalendar, isDay, type CalendarOverride } from '../../server/calendar/working-days.js';

const calendar = new WorkingCalendar();

/** The 2027 arrangement as an admin would enter it in November 2026 (a made-up one: the test needs days the package lacks). */
const NATIONAL_DAY_2027: CalendarOverride[] = [
  ...['01', '02', '03', '04', '05', '06', '07'].map((d): CalendarOverride => ({ day: `2027-10-${d}`, kind: 'holiday', note: '国庆节' })),
  { day: '2027-10-09', kind: 'workday', note: '国庆节调休上班（周六）' },
];

describe('the working-day calendar', () => {
  describe('counting across a weekend', () => {
    it('addWorkingDays from a Friday, when 1 day is added, lands on the Monday', () => {
      expect(calendar.addWorkingDays('2026-03-06', 1)).to.equal('2026-03-09');
      expect(calendar.addWorkingDays('2026-03-07', 1), 'from the Saturday').to.equal('2026-03-09');
      expect(calendar.addWorkingDays('2026-03-06', 5)).to.equal('2026-03-13');
    });

    it('workingDaysBetween a Friday and the next Monday, when the weekend is between, is 1', () => {
      expect(calendar.workingDaysBetween('2026-03-06', '2026-03-09')).to.equal(1);
      expect(calendar.workingDaysBetween('2026-03-06', '2026-03-08'), 'to the Sunday').to.equal(0);
      expect([calendar.isWorkingDay('2026-03-07'), calendar.isWorkingDay('2026-03-08'), calendar.isWorkingDay('2026-03-09')]).to.deep.equal([false, false, true]);
    });
  });

  describe('the 2026 National Day holiday and its make-up days (package data)', () => {
    it('isWorkingDay, for 10-01…10-07, is false; for the make-up Sunday 09-20 and Saturday 10-10, is true', () => {
      for (let d = 1; d <= 7; d += 1) expect(calendar.isWorkingDay(`2026-10-0${d}`), `2026-10-0${d}`).to.equal(false);
      expect(calendar.isWorkingDay('2026-09-20'), 'Sunday 09-20 (调休)').to.equal(true);
      expect(calendar.isWorkingDay('2026-10-10'), 'Saturday 10-10 (调休)').to.equal(true);
      expect(calendar.isWorkingDay('2026-10-11'), 'Sunday 10-11').to.equal(false);
      expect(calendar.isWorkingDay('2026-09-25'), 'Friday 09-25 (中秋)').to.equal(false);
    });

    it('addWorkingDays from 30 September, when 1…4 days are added, skips the holiday and counts Saturday 10-10', () => {
      expect([1, 2, 3, 4].map((n) => calendar.addWorkingDays('2026-09-30', n))).to.deep.equal(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
    });

    it('workingDaysBetween 30 September and 12 October, across the holiday, is 4', () => {
      expect(calendar.workingDaysBetween('2026-09-30', '2026-10-12')).to.equal(4);
      expect(calendar.workingDaysBetween('2026-09-30', '2026-10-07'), 'to the last holiday').to.equal(0);
    });

    it('addWorkingDays from Saturday 19 September, when 1 day is added, is the make-up Sunday 20 September', () => {
      expect(calendar.addWorkingDays('2026-09-19', 1)).to.equal('2026-09-20');
    });
  });

  describe('publication within 20 working days of the result', () => {
    it('a result of Friday 18 September 2026, when 20 working days are counted, is due on 22 October', () => {
      // 09-20 (调休) 1, 09-21…24 2–5, 09-25…27 中秋, 09-28…30 6–8, 10-01…07 国庆, 10-08/09 9–10,
      // 10-10 (调休) 11, 10-12…16 12–16, 10-19…22 17–20.
      expect(calendar.addWorkingDays('2026-09-18', 20)).to.equal('2026-10-22');
      expect(calendar.workingDaysBetween('2026-09-18', '2026-10-22')).to.equal(20);
      expect(calendar.workingDaysBetween('2026-09-18', '2026-10-21')).to.equal(19);
    });

    it('a result arising on a holiday (Saturday 3 October 2026), when 20 working days are counted, is due on 3 November', () => {
      expect(calendar.addWorkingDays('2026-10-03', 20)).to.equal('2026-11-03');
    });

    it('a result of Monday 2 March 2026, with no holiday in between, is due four weeks later', () => {
      expect(calendar.addWorkingDays('2026-03-02', 20)).to.equal('2026-03-30');
    });
  });

  describe('the start day is not counted (期间开始的日不计算在内)', () => {
    it('addWorkingDays from a working day, when 1 day is added, is the next working day, never the day itself', () => {
      expect(calendar.isWorkingDay('2026-03-03')).to.equal(true);
      expect(calendar.addWorkingDays('2026-03-03', 1)).to.equal('2026-03-04');
    });

    it('addWorkingDays with 0 is the start day itself, working day or not; workingDaysBetween a day and itself is 0', () => {
      expect(calendar.addWorkingDays('2026-10-03', 0)).to.equal('2026-10-03');
      expect(calendar.workingDaysBetween('2026-10-03', '2026-10-03')).to.equal(0);
    });

    it('workingDaysBetween counts the end day but not the start day', () => {
      expect(calendar.workingDaysBetween('2026-03-03', '2026-03-04')).to.equal(1);
      expect(calendar.workingDaysBetween('2026-03-02', '2026-03-06')).to.equal(4);
    });
  });

  describe('counting backwards', () => {
    it('workingDaysBetween, when the end is before the start, is minus the count the other way', () => {
      expect(calendar.workingDaysBetween('2026-10-12', '2026-09-30')).to.equal(-4);
      expect(calendar.workingDaysBetween('2026-10-22', '2026-09-18')).to.equal(-20);
    });

    it('addWorkingDays with a negative count, when it crosses the holiday, lands on the working day before', () => {
      expect(calendar.addWorkingDays('2026-10-08', -1)).to.equal('2026-09-30');
      expect(calendar.addWorkingDays('2026-10-12', -4)).to.equal('2026-09-30');
      expect(calendar.addWorkingDays('2026-10-22', -20)).to.equal('2026-09-18');
    });

    it('addWorkingDays(a, workingDaysBetween(a, b)) is b for every working day b of autumn 2026', () => {
      for (let day = '2026-09-01'; day <= '2026-12-31'; day = calendar.addWorkingDays(day, 1)) {
        const n = calendar.workingDaysBetween('2026-09-01', day);
        expect(calendar.addWorkingDays('2026-09-01', n), day).to.equal(day);
        expect(calendar.workingDaysBetween(day, '2026-09-01')).to.equal(-n);
      }
    });
  });

  describe('overrides (next year, entered by an admin)', () => {
    it('without data for 2027, coverage lacks it and the National Day counts as a working Friday', () => {
      expect(calendar.covers(2027)).to.equal(false);
      expect(calendar.coverage().years).to.not.include(2027);
      expect(calendar.isWorkingDay('2027-10-01')).to.equal(true);
      expect(calendar.addWorkingDays('2027-09-30', 1)).to.equal('2027-10-01');
    });

    it('a 2027 holiday week and make-up Saturday, when entered, are skipped and counted', () => {
      const with2027 = new WorkingCalendar(NATIONAL_DAY_2027);
      expect(with2027.isWorkingDay('2027-10-01')).to.equal(false);
      expect(with2027.isWorkingDay('2027-10-09'), 'Saturday 2027-10-09 (调休)').to.equal(true);
      expect([1, 2, 3].map((n) => with2027.addWorkingDays('2027-09-30', n))).to.deep.equal(['2027-10-08', '2027-10-09', '2027-10-11']);
      expect(with2027.workingDaysBetween('2027-09-30', '2027-10-11')).to.equal(3);
    });

    it('coverage, when 2027 overrides exist, names 2027 as covered by overrides, not by the package', () => {
      const coverage = new WorkingCalendar(NATIONAL_DAY_2027).coverage();
      expect(coverage.overrideYears).to.deep.equal([2027]);
      expect(coverage.packageYears).to.not.include(2027);
      expect(coverage.years).to.include.members([2026, 2027]);
      expect(new WorkingCalendar(NATIONAL_DAY_2027).covers(2027)).to.equal(true);
    });

    it('an override wins over the package: a package make-up day declared a holiday, a package holiday declared worked', () => {
      const corrected = new WorkingCalendar([
        { day: '2026-10-10', kind: 'holiday', note: '更正' },
        { day: '2026-10-07', kind: 'workday', note: '更正' },
      ]);
      expect([corrected.isWorkingDay('2026-10-10'), corrected.isWorkingDay('2026-10-07')]).to.deep.equal([false, true]);
      expect(corrected.addWorkingDays('2026-09-30', 1)).to.equal('2026-10-07');
      expect(calendar.isWorkingDay('2026-10-10'), 'the package calendar is unchanged').to.equal(true);
    });

    it('entries of a year list package days and overrides, each marked, an override naming the package kind it replaces', () => {
      const corrected = new WorkingCalendar([...NATIONAL_DAY_2027, { day: '2026-10-10', kind: 'holiday', note: '更正' }]);
      const autumn = corrected.entries(2026).filter((e) => e.day >= '2026-09-20' && e.day <= '2026-10-10');
      expect(autumn.map((e) => `${e.day} ${e.kind} ${e.source}`)).to.deep.equal([
        '2026-09-20 workday package', '2026-09-25 holiday package', '2026-09-26 holiday package', '2026-09-27 holiday package',
        '2026-10-01 holiday package', '2026-10-02 holiday package', '2026-10-03 holiday package', '2026-10-04 holiday package',
        '2026-10-05 holiday package', '2026-10-06 holiday package', '2026-10-07 holiday package', '2026-10-10 holiday override',
      ]);
      expect(autumn[0]).to.deep.include({ weekday: 0, name: { zh: '国庆节', en: 'National Day' } });
      expect(autumn.at(-1)).to.deep.include({ note: '更正', packageKind: 'workday', weekday: 6 });
      const entries2027 = corrected.entries(2027);
      expect(entries2027.map((e) => e.source)).to.deep.equal(Array(8).fill('override'));
      expect(entries2027.at(-1)).to.deep.include({ day: '2027-10-09', kind: 'workday', note: '国庆节调休上班（周六）' });
      expect(corrected.entries(2030)).to.deep.equal([]);
    });
  });

  describe('the package data', () => {
    it('covers 2004 to 2026 without a gap', () => {
      const years = calendar.coverage().packageYears;
      expect(years[0]).to.equal(2004);
      expect(years.at(-1)).to.equal(2026);
      expect(years).to.have.length(2026 - 2004 + 1);
    });

    it('agrees with chinese-days isWorkday on every day from 2004 to 2027', () => {
      const disagree: string[] = [];
      for (let ms = Date.UTC(2004, 0, 1); ms <= Date.UTC(2027, 11, 31); ms += 86_400_000) {
        const day = new Date(ms).toISOString().slice(0, 10);
        if (calendar.isWorkingDay(day) !== isWorkday(day)) disagree.push(day);
      }
      expect(disagree).to.deep.equal([]);
    });
  });

  describe('bad input', () => {
    it('a malformed or impossible day is a RangeError, not a guess', () => {
      for (const bad of ['2026-02-30', '2026-9-1', '2026-09-01T00:00', '', 'today']) {
        expect(() => calendar.isWorkingDay(bad), bad).to.throw(RangeError);
        expect(isDay(bad), bad).to.equal(false);
      }
      expect(() => new WorkingCalendar([{ day: '2027-13-01', kind: 'holiday', note: 'x' }])).to.throw(RangeError);
      expect(isDay('2028-02-29')).to.equal(true);
    });

    it('a count that is not an integer, or absurdly large, is a RangeError', () => {
      expect(() => calendar.addWorkingDays('2026-03-02', 1.5)).to.throw(RangeError);
      expect(() => calendar.addWorkingDays('2026-03-02', Number.NaN)).to.throw(RangeError);
      expect(() => calendar.addWorkingDays('2026-03-02', MAX_WORKING_DAYS + 1)).to.throw(RangeError);
      expect(calendar.addWorkingDays('2026-03-02', 250)).to.match(/^2027-/);
    });
  });
});
