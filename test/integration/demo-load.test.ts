import { expect } from 'chai';
import { DictionaryEntry, InspectionItem, Inspector, MarketEntity } from '../../models/index.js';
import { entityBatches } from '../../server/demo/generate-world.js';
import { loadDefaults, loadDemoWorldOnce, loadWorld } from '../../server/demo/load-world.js';

const OPTIONS = { seed: 'integration', entities: 300, inspectors: 20, asOf: '2026-11-27' };

describe('loading the demo world', () => {
  it('loads the default item list and both dictionaries, and loading again changes nothing', async () => {
    await loadDefaults();
    await loadDefaults();
    expect(await InspectionItem.countDocuments()).to.equal(12);
    expect(await DictionaryEntry.countDocuments({ dictionary: 'result_category' })).to.equal(13);
    expect(await DictionaryEntry.countDocuments({ dictionary: 'follow_up' })).to.equal(6);
    const abnormal = await DictionaryEntry.find({ leadsToAbnormalList: true }).lean();
    expect(abnormal.map((e) => e.label)).to.have.members(['公示信息隐瞒真实情况弄虚作假', '通过登记的住所（经营场所）无法联系']);
  });

  it('does not overwrite a dictionary label an admin edited', async () => {
    await loadDefaults();
    await DictionaryEntry.updateOne({ dictionary: 'follow_up', code: 'F06' }, { $set: { label: '其他（请注明）' } });
    await loadDefaults();
    expect((await DictionaryEntry.findOne({ dictionary: 'follow_up', code: 'F06' }).lean())?.label).to.equal('其他（请注明）');
  });

  it('after a load interrupted half-way, loading again completes with no duplicates', async () => {
    // Simulate the interruption: the first half of the entities is already there.
    const firstHalf = [...entityBatches({ ...OPTIONS, entities: 150 }, 150)].flat();
    await MarketEntity.insertMany(firstHalf);
    const counts = await loadWorld(OPTIONS);
    expect(counts.entitiesInserted).to.equal(150);
    expect(await MarketEntity.countDocuments()).to.equal(300);
    expect(await Inspector.countDocuments()).to.equal(20);
    const again = await loadWorld(OPTIONS);
    expect(again).to.deep.equal({ entitiesInserted: 0, inspectorsInserted: 0 });
    expect(await MarketEntity.countDocuments()).to.equal(300);
  });

  it('loadDemoWorldOnce loads once, and never into a database that already holds a real roster', async () => {
    expect(await loadDemoWorldOnce(OPTIONS, () => {})).to.equal('loaded');
    expect(await loadDemoWorldOnce(OPTIONS, () => {})).to.equal('present');
    expect(await MarketEntity.countDocuments()).to.equal(300);
  });

  it('loadDemoWorldOnce leaves a database with real entities alone', async () => {
    const [real] = [...entityBatches({ ...OPTIONS, seed: 'real', entities: 1 }, 1)].flat();
    await new MarketEntity(real).save();
    expect(await loadDemoWorldOnce(OPTIONS, () => {})).to.equal('present');
    expect(await MarketEntity.countDocuments()).to.equal(1);
  });
});
