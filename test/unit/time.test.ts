// "Today" and instants in TIME_ZONE; calendar dates as stored.
import { expect } from 'chai';
import { dayOf, formatDateTime, formatDay, fromDateTimeLocal, instantAt, todayIn, yearOf } from '../../server/time.js';

describe('server/time', () => {
  it('todayIn: 16:30 UTC on 1 March is already 2 March in Shanghai, still 1 March in UTC', () => {
    const at = new Date('2026-03-01T16:30:00Z');
    expect(todayIn('Asia/Shanghai', at)).to.equal('2026-03-02');
    expect(todayIn('UTC', at)).to.equal('2026-03-01');
  });

  it('formatDateTime writes an instant in the zone, to the minute or the second', () => {
    const at = new Date('2026-03-02T01:15:40Z');
    expect(formatDateTime(at, 'Asia/Shanghai')).to.equal('2026-03-02 09:15');
    expect(formatDateTime(at, 'Asia/Shanghai', 'seconds')).to.equal('2026-03-02 09:15:40');
  });

  it('formatDay writes a calendar date stored as UTC midnight as that day', () => {
    expect(formatDay(new Date('2030-01-01T00:00:00Z'))).to.equal('2030-01-01');
    expect(formatDay(undefined)).to.equal('');
  });
});

describe('server/time: days and wall-clock times of instants', () => {
  it('dayOf: 16:30 UTC on 12 October is 00:30 on 13 October in Beijing', () => {
    expect(dayOf(new Date('2026-10-12T16:30:00Z'), 'Asia/Shanghai')).to.equal('2026-10-13');
    expect(dayOf(new Date('2026-10-12T15:59:59Z'), 'Asia/Shanghai')).to.equal('2026-10-12');
  });

  it('yearOf: 20:00 UTC on 31 December 2026 is already 2027 in Beijing, still 2026 in UTC', () => {
    expect(yearOf(new Date('2026-12-31T20:00:00Z'), 'Asia/Shanghai')).to.equal(2027);
    expect(yearOf(new Date('2026-12-31T20:00:00Z'), 'UTC')).to.equal(2026);
  });

  it('instantAt and fromDateTimeLocal read a wall-clock time in the zone', () => {
    expect(instantAt('2026-10-13', '00:30', 'Asia/Shanghai')?.toISOString()).to.equal('2026-10-12T16:30:00.000Z');
    expect(instantAt('2026-10-13', '00:30:15', 'UTC')?.toISOString()).to.equal('2026-10-13T00:30:15.000Z');
    expect(fromDateTimeLocal('2026-07-23T15:39', 'Asia/Shanghai')?.toISOString()).to.equal('2026-07-23T07:39:00.000Z');
  });

  it('a malformed wall-clock time is null, not an Invalid Date', () => {
    for (const value of ['', '2026-07-23', '2026-07-23 15:39', '2026-7-23T15:39', '2026-07-23T25:99', 'x'.repeat(30)]) {
      expect(fromDateTimeLocal(value, 'Asia/Shanghai'), value).to.equal(null);
    }
  });
});
