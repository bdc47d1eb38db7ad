// Cron slots of a task, evaluated in the configured time zone.
import { expect } from 'chai';
import { nextCronSlot, nextTaskSlot } from '../../server/plans/schedule.js';

describe('task schedules', () => {
  it('nextCronSlot, with a seconds field in UTC, gives the next half minute', () => {
    expect(nextCronSlot('*/30 38-39 7 * * *', new Date('2026-07-23T07:38:04Z'), 'UTC')?.toISOString()).to.equal('2026-07-23T07:38:30.000Z');
    expect(nextCronSlot('*/30 38-39 7 * * *', new Date('2026-07-23T07:39:30Z'), 'UTC')?.toISOString()).to.equal('2026-07-24T07:38:00.000Z');
  });

  it('nextCronSlot, Mondays at 09:00 in Asia/Shanghai, is 01:00 UTC on the next Monday', () => {
    expect(nextCronSlot('0 9 * * 1', new Date('2026-07-23T07:38:04Z'), 'Asia/Shanghai')?.toISOString()).to.equal('2026-07-27T01:00:00.000Z');
    expect(nextCronSlot('0 9 1 * 7', new Date('2026-07-23T00:00:00Z'), 'Asia/Shanghai')?.toISOString()).to.equal('2026-07-26T01:00:00.000Z');
  });

  it('nextTaskSlot, of a single time, is that time until it passes', () => {
    const at = new Date('2026-07-23T07:39:00Z');
    expect(nextTaskSlot({ at }, new Date('2026-07-23T07:00:00Z'), 'UTC')).to.equal(at);
    expect(nextTaskSlot({ at }, at, 'UTC')).to.equal(null);
  });
});
