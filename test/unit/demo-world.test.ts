import { expect } from 'chai';
import { entityBatches, generateEntity, generateInspectors } from '../../server/demo/generate-world.js';
import { isValidCreditCode } from '../../models/credit-code.js';
import { HONGJIANG } from '../../server/demo/names.js';
import { Inspector, MarketEntity } from '../../models/index.js';

const OPTIONS = { seed: 'unit', entities: 20_000, asOf: '2026-11-27' };

function shares(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / values.length]));
}

describe('the demo world generator', () => {
  const entities = [...entityBatches(OPTIONS, 5000)].flat();

  it('is deterministic: the same seed gives the same entities, another seed different ones', () => {
    expect(JSON.stringify(generateEntity(OPTIONS, 123))).to.equal(JSON.stringify(entities[123]));
    expect(JSON.stringify(generateEntity({ ...OPTIONS, seed: 'other' }, 123))).to.not.equal(JSON.stringify(entities[123]));
  });

  it('gives every entity a valid, unique credit code', () => {
    expect(entities).to.have.length(20_000);
    expect(entities.every((e) => isValidCreditCode(e.creditCode))).to.equal(true);
    expect(new Set(entities.map((e) => e.creditCode)).size).to.equal(entities.length);
  });

  it('mixes credit-risk classes near 65/25/8/2 and keeps some entities inactive', () => {
    const risk = shares(entities.map((e) => e.riskClass));
    expect(risk.A).to.be.closeTo(0.65, 0.02);
    expect(risk.B).to.be.closeTo(0.25, 0.02);
    expect(risk.C).to.be.closeTo(0.08, 0.01);
    expect(risk.D).to.be.closeTo(0.02, 0.005);
    const status = shares(entities.map((e) => e.status));
    expect(status['存续']).to.be.closeTo(0.92, 0.01);
    expect(status['注销']).to.be.greaterThan(0.03);
    expect(status['吊销']).to.be.greaterThan(0.01);
  });

  it("places entities in 洪江区's townships, in all four types, some on special rosters with licences", () => {
    expect(new Set(entities.map((e) => e.region))).to.deep.equal(new Set(HONGJIANG.townships));
    expect(new Set(entities.map((e) => e.type)).size).to.equal(4);
    const rostered = entities.filter((e) => e.specialRosters.length > 0);
    expect(rostered.length).to.be.greaterThan(1000);
    expect(rostered.every((e) => e.specialRosters.every((r) => r.licenceNumber.length > 4))).to.equal(true);
    expect(new Set(rostered.flatMap((e) => e.specialRosters.map((r) => r.roster)))).to.include('餐饮');
  });

  it('gives inspectors certificates, some expired and some 失效', () => {
    const inspectors = generateInspectors({ ...OPTIONS, inspectors: 500 });
    const asOf = Date.parse(OPTIONS.asOf);
    const expired = inspectors.filter((i) => (i.certificates[0]?.validUntil.getTime() ?? 0) < asOf);
    expect(expired.length).to.be.within(25, 150);
    expect(inspectors.filter((i) => i.status === '失效').length).to.be.within(5, 50);
    expect(new Set(inspectors.map((i) => i.inspectorId)).size).to.equal(500);
    expect(inspectors.some((i) => i.qualifications.includes('食品检查员'))).to.equal(true);
  });

  // The loader inserts generator output without per-document validation; this is the proof
  // that such output passes the schemas.
  it('produces entities and inspectors that pass the Mongoose schemas', async () => {
    for (const entity of entities.slice(0, 3000)) await new MarketEntity(entity).validate();
    for (const inspector of generateInspectors({ ...OPTIONS, inspectors: 300 })) await new Inspector(inspector).validate();
  });
});
