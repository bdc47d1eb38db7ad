// "Today" and instants in TIME_ZONE; calendar dates as stored.
import { expect } from 'chai';
import { formatDateTime, formatDay, todayIn } from '../../server/time.js';

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
