// The canonical form audit entries are hashed in (server/audit/canonical.ts): the same entry
// gives the same text whatever key order and number types a server hands back, and values that
// differ in type or content never share a text.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { canonical, entryHash } from '../../server/audit/canonical.js';

const { Int32, Long, Double, ObjectId, Binary, Decimal128 } = mongoose.mongo.BSON;

describe('the canonical form of audit entries', () => {
  it('sorts keys at every depth, so the order a server returns them in does not matter', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonical(a)).to.equal(canonical(b)).and.equal('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it('writes a number by its value, whichever BSON number type carries it', () => {
    for (const value of [new Int32(5), Long.fromNumber(5), new Double(5), 5, -0 + 5]) expect(canonical({ n: value })).to.equal('{"n":5}');
    expect(canonical(new Double(1.5))).to.equal('1.5');
    expect(canonical(-0)).to.equal('0');
    expect(canonical(Long.fromString('9007199254740993'))).to.equal('9007199254740993');
  });

  it('tells types apart that JSON would not: a date from its text or number, an ObjectId from its hex, a number from a string', () => {
    const when = new Date('2026-05-01T08:00:00.000Z');
    const id = new ObjectId('0123456789abcdef01234567');
    const texts = [canonical(when), canonical(when.toISOString()), canonical(when.getTime()), canonical(id), canonical(id.toHexString()), canonical('5'), canonical(5)];
    expect(new Set(texts).size).to.equal(texts.length);
    expect(canonical(when)).to.equal(`D(${when.getTime()})`);
    expect(canonical(id)).to.equal('O(0123456789abcdef01234567)');
    expect(canonical(new Binary(Buffer.from('hi')))).to.equal(canonical(Buffer.from('hi')));
    expect(canonical(Decimal128.fromString('1.10'))).to.equal('M(1.10)');
  });

  it('leaves out undefined members (BSON stores none) and keeps null', () => {
    expect(canonical({ a: undefined, b: null })).to.equal('{"b":null}');
  });

  it('hashes everything but the hash field, so any other change gives another hash', () => {
    const entry = { _id: new ObjectId(), seq: 3, prevHash: '0'.repeat(64), action: 'user.update', at: new Date(0), after: { name: '陈明' } };
    const hash = entryHash(entry);
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...entry, hash })).to.equal(hash);
    expect(entryHash({ ...entry, seq: 4 })).to.not.equal(hash);
    expect(entryHash({ ...entry, after: { name: '陈明 ' } })).to.not.equal(hash);
    expect(entryHash({ ...entry, extra: true })).to.not.equal(hash);
  });
});
