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

  // sameValue and rowHash skip building canonical texts for speed; they must still give the
  // canonical texts' answers. Pairs of values are drawn from a small pool, so that equal,
  // nearly equal and differently-typed values meet often.
  it('agree with comparing canonical texts on thousands of generated value pairs', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
    const id = new ObjectId();
    const leaf = (): unknown =>
      pick<unknown>([undefined, null, '', 'a', 'A1', '洪江区', 0, 1, 1.5, '1', true, false,
        new Date('2027-01-01T00:00:00Z'), new Date('2027-01-02T00:00:00Z'), id, new ObjectId(id.toHexString())]);
    const value = (depth: number): unknown => {
      const shape = depth > 1 ? 0 : Math.floor(next() * 4);
      if (shape === 1) return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
      if (shape === 2) {
        const out: Record<string, unknown> = {};
        for (const key of ['b', 'a', 'c']) if (next() < 0.6) out[key] = value(depth + 1);
        return out;
      }
      return leaf();
    };
    let equalPairs = 0;
    for (let i = 0; i < 5000; i += 1) {
      const a = value(0);
      const b = next() < 0.3 ? structuredClone(a) : value(0);
      const expected = canonical(a) === canonical(b);
      if (expected) equalPairs += 1;
      expect(sameValue(a, b), `${canonical(a)} vs ${canonical(b)}`).to.equal(expected);
      const rowA = { x: a, y: 'fixed' };
      const rowB = { y: 'fixed', x: b };
      expect(rowHash(rowA, []) === rowHash(rowB, []), `hash of ${canonical(rowA)} vs ${canonical(rowB)}`).to.equal(expected);
    }
    expect(equalPairs).to.be.within(500, 4500); // both answers were exercised
  });

  it('keeps row hashes apart when one value holds what would look like the next field', () => {
    expect(rowHash({ a: 'x\u00001:sy', b: undefined }, [])).to.not.equal(rowHash({ a: 'x', b: 'y' }, []));
    expect(rowHash({ a: 'x', b: null }, [])).to.equal(rowHash({ a: 'x' }, []));
  });
});
