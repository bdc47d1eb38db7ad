// Asserts, against whatever server is attached (mongo-java-server by default, FerretDB in CI's
// second pass, MongoDB in production), each database feature the app relies on — so a
// divergence shows up here as one clear failure — and, per server, how it answers the features
// the app must not rely on (TTL expiry, transactions, collation, text search).
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { testDatabase } from '../helpers/test-db.js';

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

  // Attachments (server/attachments/) keep their bytes in 255 KB binary fields read by a string
  // _id, and claim an owner's numbered slot under a compound unique index on nested fields.
  it('a 255 KB binary field round-trips byte for byte, read back by a string _id', async () => {
    const data = Buffer.from(Array.from({ length: 255 * 1024 }, (_, i) => (i * 7919) % 256));
    await things.insertOne({ _id: '665f00000000000000000001:0' as never, key: 'chunk', data });
    const back = await things.findOne({ _id: '665f00000000000000000001:0' as never });
    const bytes = back?.data as { buffer: Uint8Array; position: number };
    expect(Buffer.from(bytes.buffer.subarray(0, bytes.position)).equals(data)).to.equal(true);
  });

  it('concurrent inserts of one slot under a compound unique index of nested fields: exactly one wins', async () => {
    const slots = mongoose.connection.db!.collection<Document>('capability_slots');
    await slots.createIndex({ 'owner.kind': 1, 'owner.id': 1, slot: 1 }, { unique: true });
    await slots.insertOne({ owner: { kind: 'inspection', id: 'b' }, slot: 0 });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => slots.insertOne({ owner: { kind: 'inspection', id: 'a' }, slot: 0, by: n })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
    expect(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as { code?: number }).code)).to.deep.equal([11000, 11000, 11000]);
    await slots.insertOne({ owner: { kind: 'inspection', id: 'a' }, slot: 1 });
    expect(await slots.countDocuments({})).to.equal(3);
    await slots.drop();
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

// What the app must not rely on. Each server's actual answer is asserted, so that a server
// which starts (or stops) serving one of these shows up here, and the portable fallbacks stay
// justified: sessions expire by a periodic cleanup job, not a TTL index; claims use unique
// inserts, not transactions; searches are anchored regular expressions, not collation or $text.
describe('database features the app must not rely on, as each server answers them', () => {
  let probe: Collection<any>;
  const kind = () => testDatabase().kind;

  beforeEach(async () => {
    probe = mongoose.connection.db!.collection<Document>('capability_absent');
    await probe.insertMany([{ name: 'abc', at: new Date(0) }, { name: 'ABC', at: new Date(0) }, { name: 'quick brown fox' }]);
  });

  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: number; name?: string; message?: string });

  it('TTL indexes: FerretDB refuses them; mongo-java-server accepts them but never expires anything; MongoDB expires', async () => {
    const error = await failure(probe.createIndex({ at: 1 }, { expireAfterSeconds: 1 }));
    if (kind() === 'ferretdb') {
      expect(error?.code).to.equal(238); // NotImplemented
      return;
    }
    expect(error).to.equal(undefined);
    const ttl = (await probe.listIndexes().toArray()).find((index) => index.name === 'at_1');
    expect(ttl?.expireAfterSeconds).to.equal(1);
    // (MongoDB's TTL monitor runs once a minute, so an immediate count proves nothing there.)
    if (kind() === 'java') expect(await probe.countDocuments({ at: new Date(0) })).to.equal(2);
  });

  it('transactions: refused by mongo-java-server (no sessions), FerretDB and a standalone mongod; nothing is written', async () => {
    const session = mongoose.connection.getClient().startSession();
    const error = await failure(
      session.withTransaction(async () => {
        await probe.insertOne({ inTransaction: true }, { session });
      }),
    ).finally(() => session.endSession());
    if (kind() === 'java') expect(error?.message).to.match(/does not support sessions/);
    else if (kind() === 'ferretdb') expect(error?.code).to.equal(9); // FailedToParse: unknown field "autocommit"
    else if (kind() === 'mongod') expect(error?.code).to.equal(20); // IllegalOperation: not a replica set
    if (error) expect(await probe.countDocuments({ inTransaction: true })).to.equal(0);
    else expect(kind(), 'only a replica set (MONGODB_URI) commits').to.equal('external');
  });

  it('collation: FerretDB refuses it; mongo-java-server accepts it and ignores it (exact match only); MongoDB honours it', async () => {
    const query = failure(probe.find({ name: 'abc' }).collation({ locale: 'en', strength: 2 }).toArray());
    const error = await query;
    if (kind() === 'ferretdb') {
      expect(error?.code).to.equal(238);
      expect((await failure(probe.createIndex({ name: 1 }, { collation: { locale: 'en', strength: 2 } })))?.code).to.equal(238);
      return;
    }
    expect(error).to.equal(undefined);
    const matches = await probe.find({ name: 'abc' }).collation({ locale: 'en', strength: 2 }).toArray();
    expect(matches).to.have.length(kind() === 'java' ? 1 : 2);
  });

  it('text search: FerretDB refuses text indexes; mongo-java-server accepts the index but not $text; MongoDB answers', async () => {
    const indexError = await failure(probe.createIndex({ name: 'text' }));
    const queryError = await failure(probe.find({ $text: { $search: 'fox' } }).toArray());
    if (kind() === 'ferretdb') {
      expect(indexError).to.not.equal(undefined);
      expect(queryError?.code).to.equal(2); // BadValue: unknown top level operator
    } else if (kind() === 'java') {
      expect(indexError).to.equal(undefined);
      expect(queryError?.code).to.equal(2);
      expect(queryError?.message).to.match(/\$search/);
    } else {
      expect([indexError, queryError]).to.deep.equal([undefined, undefined]);
    }
  });

  it('concurrent conditional updates of one document: exactly one winner on mongo-java-server and MongoDB, not so on FerretDB', async () => {
    await probe.insertOne({ job: 'j', state: 'pending' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => probe.updateOne({ job: 'j', state: 'pending' }, { $set: { state: 'running' } })),
    );
    const winners = results.filter((result) => result.modifiedCount === 1).length;
    if (kind() === 'ferretdb') expect(winners).to.be.at.least(1); // several "winners" seen: claims use unique inserts
    else expect(winners).to.equal(1);
  });
});
