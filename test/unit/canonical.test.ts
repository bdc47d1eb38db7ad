// The import's notion of "the same value": what decides that a re-imported row needs no write.
import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { canonical, rowHash, sameValue } from '../../server/import/canonical.js';

describe('import value comparison (server/import/canonical.ts)', () => {
  it('treats absent, null and undefined alike, and nothing else as absent', () => {
    expect(sameValue(undefined, null)).to.equal(true);
    expect(sameValue(null, undefined)).to.equal(true);
    expect(sameValue(null, '')).to.equal(false);
    expect(sameValue(0, null)).to.equal(false);
    expect(sameValue(false, undefined)).to.equal(false);
  });

  it('compares text, numbers and booleans exactly, never across types', () => {
    expect(sameValue('杭州市', '杭州市')).to.equal(true);
    expect(sameValue('杭州市', '杭州')).to.equal(false);
    expect(sameValue(1, '1')).to.equal(false);
    expect(sameValue(2.5, 2.5)).to.equal(true);
    expect(sameValue(true, 'true')).to.equal(false);
  });

  it('compares dates by instant, and a date never equals its text', () => {
    expect(sameValue(new Date('2026-03-01T00:00:00Z'), new Date(Date.UTC(2026, 2, 1)))).to.equal(true);
    expect(sameValue(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'))).to.equal(false);
    expect(sameValue(new Date('2026-03-01T00:00:00Z'), '2026-03-01T00:00:00.000Z')).to.equal(false);
  });

  it('compares objects and lists whatever the key order, ignoring empty members, with list order kept', () => {
    const stored = { number: 'A1', validUntil: new Date('2027-01-01T00:00:00Z'), note: null };
    expect(sameValue([stored], [{ validUntil: new Date('2027-01-01T00:00:00Z'), number: 'A1' }])).to.equal(true);
    expect(sameValue([{ n: 1 }, { n: 2 }], [{ n: 2 }, { n: 1 }])).to.equal(false);
    const id = new ObjectId();
    expect(sameValue({ ref: id }, { ref: new ObjectId(id.toHexString()) })).to.equal(true);
    expect(canonical({ b: 1, a: [undefined] })).to.equal('{"a":[null],"b":1}');
  });

  it('gives one row hash per content, whatever the field order, and another when a cleared field differs', () => {
    expect(rowHash({ a: 'x', b: 'y' }, [])).to.equal(rowHash({ b: 'y', a: 'x' }, []));
    expect(rowHash({ a: 'x' }, ['b'])).to.not.equal(rowHash({ a: 'x' }, []));
  });
});
