// Asserts, against whatever server is attached (FerretDB here, MongoDB in production), each
// database feature the app relies on — so a divergence shows up here as one clear failure.
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';

describe('database capabilities the app relies on', () => {
  let things: Collection<any>;

  beforeEach(async () => {
    things = mongoose.connection.db!.collection<Document>('capability_probe');
    await things.createIndex({ key: 1 }, { unique: true });
  });

  it('a unique index rejects a duplicate with error code 11000', async () => {
    await things.insertOne({ key: 'a' });
    const error = await things.insertOne({ key: 'a' }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).to.equal(11000);
    expect(await things.countDocuments()).to.equal(1);
  });

  it('an ordered:false bulk insert with one duplicate stores all the others and reports the one', async () => {
    await things.insertOne({ key: 'b' });
    const error = (await things
      .insertMany([{ key: 'a' }, { key: 'b' }, { key: 'c' }], { ordered: false })
      .catch((e: unknown) => e)) as { code?: number; writeErrors?: unknown[] | unknown; insertedCount?: number };
    expect(error.code).to.equal(11000);
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    expect(writeErrors).to.have.length(1);
    expect(await things.distinct('key')).to.have.members(['a', 'b', 'c']);
  });

  it('upsert with $setOnInsert inserts once and leaves an existing document untouched', async () => {
    const first = await things.updateOne({ key: 'u' }, { $setOnInsert: { value: 1 } }, { upsert: true });
    expect(first.upsertedCount).to.equal(1);
    const second = await things.updateOne({ key: 'u' }, { $setOnInsert: { value: 2 } }, { upsert: true });
    expect(second.upsertedCount).to.equal(0);
    expect((await things.findOne({ key: 'u' }))?.value).to.equal(1);
  });

  it('bulkWrite of upserts is idempotent', async () => {
    const ops = ['x', 'y'].map((key) => ({ updateOne: { filter: { key }, update: { $set: { key, n: 1 } }, upsert: true } }));
    await things.bulkWrite(ops, { ordered: false });
    const again = await things.bulkWrite(ops, { ordered: false });
    expect(again.upsertedCount).to.equal(0);
    expect(await things.countDocuments()).to.equal(2);
  });

  it('sort, skip and limit page through results in order', async () => {
    await things.insertMany(Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, n: 9 - i })));
    const page = await things.find({}).sort({ n: 1 }).skip(3).limit(3).toArray();
    expect(page.map((d) => d.n)).to.deep.equal([3, 4, 5]);
  });

  it('countDocuments with a filter, estimatedDocumentCount and distinct', async () => {
    await things.insertMany([{ key: 'a', g: 'x' }, { key: 'b', g: 'y' }, { key: 'c', g: 'x' }]);
    expect(await things.countDocuments({ g: 'x' })).to.equal(2);
    expect(await things.estimatedDocumentCount()).to.equal(3);
    expect((await things.distinct('g')).sort()).to.deep.equal(['x', 'y']);
  });

  it('filters with $in, $gte/$lt on dates, anchored $regex and array-element equality', async () => {
    await things.insertMany([
      { key: 'a', on: new Date('2026-01-01'), tags: ['餐饮', '广告'], name: '洪江区沅江便利店' },
      { key: 'b', on: new Date('2026-06-01'), tags: ['食品生产'], name: '怀化恒泰商贸有限公司' },
    ]);
    expect(await things.countDocuments({ key: { $in: ['a', 'z'] } })).to.equal(1);
    expect(await things.countDocuments({ on: { $gte: new Date('2026-03-01'), $lt: new Date('2027-01-01') } })).to.equal(1);
    expect(await things.countDocuments({ name: { $regex: '^洪江区' } })).to.equal(1);
    expect(await things.countDocuments({ tags: '广告' })).to.equal(1);
  });

  it('aggregation: $match, $group with $sum, $sort, $limit, $project and $count', async () => {
    await things.insertMany([
      { key: 'a', risk: 'A' }, { key: 'b', risk: 'B' }, { key: 'c', risk: 'A' }, { key: 'd', risk: 'D' },
    ]);
    const groups = await things
      .aggregate([{ $match: { risk: { $in: ['A', 'B'] } } }, { $group: { _id: '$risk', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(groups).to.deep.equal([{ _id: 'A', n: 2 }, { _id: 'B', n: 1 }]);
    const projected = await things.aggregate([{ $sort: { key: -1 } }, { $limit: 1 }, { $project: { _id: 0, key: 1 } }]).toArray();
    expect(projected).to.deep.equal([{ key: 'd' }]);
    expect(await things.aggregate([{ $match: { risk: 'A' } }, { $count: 'n' }]).toArray()).to.deep.equal([{ n: 2 }]);
  });

  it('updates with $set, $inc, $push and $addToSet', async () => {
    await things.insertOne({ key: 'a', n: 1, list: [] });
    await things.updateOne({ key: 'a' }, { $set: { s: 'x' }, $inc: { n: 2 }, $push: { list: 'p' } as never });
    await things.updateOne({ key: 'a' }, { $addToSet: { list: 'p' } });
    const doc = await things.findOne({ key: 'a' });
    expect([doc?.s, doc?.n, doc?.list]).to.deep.equal(['x', 3, ['p']]);
  });

  it('findOneAndUpdate (without projection) returns the updated document', async () => {
    await things.insertOne({ key: 'a', n: 1 });
    const after = await things.findOneAndUpdate({ key: 'a' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
    expect(after?.n).to.equal(2);
  });

  // Claims use an insert under a unique index, never a conditional update: on FerretDB 1.24
  // three concurrent `updateOne({state: 'pending'}, {$set: {state: 'running'}})` all report
  // modifiedCount 1 (seen while writing this suite), while a unique insert stays exclusive.
  it('concurrent inserts of one claim key under a unique index: exactly one wins', async () => {
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => things.insertOne({ key: 'claim:job-1', by: n })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(losers.map((o) => (o.reason as { code?: number }).code)).to.deep.equal([11000, 11000, 11000]);
    expect(await things.countDocuments({ key: 'claim:job-1' })).to.equal(1);
  });

  // Array-field queries: $nor over a dotted array path is portable; $elemMatch and $not on
  // arrays are not (FerretDB 1.24 returned no match for $elemMatch and treated $not per
  // element), so the app uses the $nor forms asserted here.
  it('$nor over an array path excludes documents where any element matches', async () => {
    const d = (day: string) => new Date(day);
    await things.insertMany([
      { key: 'old', certificates: [{ validUntil: d('2025-01-01') }] },
      { key: 'mixed', certificates: [{ validUntil: d('2025-01-01') }, { validUntil: d('2030-01-01') }] },
      { key: 'soon', certificates: [{ validUntil: d('2026-12-10') }] },
    ]);
    const today = d('2026-11-27');
    const none = await things.find({ $nor: [{ 'certificates.validUntil': { $gte: today } }] }).toArray();
    expect(none.map((doc) => doc.key)).to.deep.equal(['old']);
    const allSoon = await things
      .find({ 'certificates.validUntil': { $gte: today }, $nor: [{ 'certificates.validUntil': { $gt: d('2026-12-27') } }] })
      .toArray();
    expect(allSoon.map((doc) => doc.key)).to.deep.equal(['soon']);
  });
});
