// The roster's "last inspected" day follows the inspections made here: the draw's repeat window
// (DRAW-SPEC, exclusions) reads it, so an entity checked in today is not drawn again within it.
// It only moves forward: a later day already on the roster (an import) is kept.
import { expect } from 'chai';
import { MarketEntity } from '../../../models/index.js';
import type { InspectionRecord } from '../../../models/inspection.js';
import { readyToSubmit } from './progress.js';
import { lockedDraw, type LockedDraw } from './support.js';

const dayOf = async (creditCode: string) => (await MarketEntity.findOne({ creditCode }).lean())?.lastInspectedOn?.toISOString().slice(0, 10) ?? null;

describe('inspections: the roster\'s last-inspected day', () => {
  let world: LockedDraw;
  beforeEach(async () => { world = await lockedDraw(); });
  afterEach(async () => { await world.relay.close(); });

  it('a check-in moves it to the check-in day, never back', async () => {
    const [earlier, later] = world.inspections as [InspectionRecord, InspectionRecord];
    await MarketEntity.updateOne({ creditCode: earlier.creditCode }, { $set: { lastInspectedOn: new Date('2020-03-01T00:00:00Z') } });
    await MarketEntity.updateOne({ creditCode: later.creditCode }, { $set: { lastInspectedOn: new Date('2030-01-01T00:00:00Z') } });
    const checkedIn = await readyToSubmit(world, earlier);
    expect(await dayOf(earlier.creditCode)).to.equal(checkedIn.checkIn!.day);
    await readyToSubmit(world, later);
    expect(await dayOf(later.creditCode)).to.equal('2030-01-01');
  });
});
