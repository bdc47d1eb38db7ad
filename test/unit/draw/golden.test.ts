// Golden vectors (test/fixtures/draw, DRAW-SPEC.md §11): computed once by the engine and
// cross-checked by an independent implementation of the spec. Compared byte for byte.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  canonicalKey, canonicalPoolChunks, draw, nobleSha256, openStream, recuse, resolveSeed, streamSeed,
  type DrawInput, type RecusalRequest, type SeedSource,
} from '../../../server/draw/index.js';
import { nodeSha256 } from '../../../server/draw/node-sha256.js';

const dir = new URL('../../fixtures/draw/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const vector = JSON.parse(read('vector-1.input.json')) as { input: DrawInput; recusals: RecusalRequest[] };

interface StreamVector { key: string; label: string; seed: string; first: number[]; below: Array<{ n: number; values: number[] }> }
interface KeyVectors {
  canonicalKeys: Array<{ sources: SeedSource[]; key: string }>;
  derivedKeys: Array<{ taskId: string; phase: 'entities' | 'inspectors'; seed: DrawInput['seed']; result: unknown }>;
}

describe('draw engine golden vectors', () => {
  it('vector-1, drawn and with its recusals replayed, serialises to the expected record byte for byte', () => {
    let record = draw(vector.input);
    for (const request of vector.recusals) record = recuse(record, request);
    expect(JSON.stringify(record, null, 2) + '\n').to.equal(read('vector-1.record.json'));
  });

  it('vector-1, with the native SHA-256, gives the same record as with the pure-JS one', () => {
    const a = draw(vector.input);
    const b = draw(vector.input, { sha256: nodeSha256 });
    expect(JSON.stringify(b)).to.equal(JSON.stringify(a));
  });

  it('vector-1 pool, serialised canonically, equals the published pool text byte for byte', () => {
    const bytes = Buffer.concat([...canonicalPoolChunks(vector.input.pool)]);
    expect(bytes.equals(readFileSync(new URL('vector-1.pool.txt', dir)))).to.equal(true);
  });

  it('streams, for each vector seed, give the recorded stream seed, first outputs and below(n) values', () => {
    const { streams } = JSON.parse(read('streams.json')) as { streams: StreamVector[] };
    expect(streams).to.have.length.greaterThan(3);
    for (const s of streams) {
      expect(streamSeed(s.key, s.label, nobleSha256), s.label).to.equal(s.seed);
      const first = openStream(s.seed);
      expect(s.first.map(() => first.nextUint32()), s.label).to.deep.equal(s.first);
      for (const b of s.below) {
        const stream = openStream(s.seed);
        expect(b.values.map(() => stream.below(b.n)), `${s.label} below(${b.n})`).to.deep.equal(b.values);
      }
    }
  });

  it('below(2^31+1) in the vectors rejects outputs at or above the threshold instead of reducing them', () => {
    const { streams } = JSON.parse(read('streams.json')) as { streams: StreamVector[] };
    const s = streams[0]!;
    const n = 2 ** 31 + 1;
    // Recompute by hand from the raw outputs: keep u < 2^32 − (2^32 mod n), then u mod n.
    const raw = openStream(s.seed);
    const limit = 2 ** 32 - (2 ** 32 % n);
    const expected: number[] = [];
    let rejected = 0;
    while (expected.length < 8) {
      const u = raw.nextUint32();
      if (u < limit) expected.push(u % n);
      else rejected += 1;
    }
    expect(rejected, 'the vector must exercise rejection').to.be.greaterThan(0);
    expect(s.below.find((b) => b.n === n)!.values).to.deep.equal(expected);
  });

  it('keys, for each vector, give the recorded canonical key and derived keys', () => {
    const keys = JSON.parse(read('keys.json')) as KeyVectors;
    expect(keys.canonicalKeys[0]!.key).to.equal('9319./2.5.8.10.12./9.18.26.34.41.45./');
    for (const c of keys.canonicalKeys) expect(canonicalKey(c.sources)).to.equal(c.key);
    for (const c of keys.derivedKeys) expect(resolveSeed(c.taskId, c.seed, c.phase, nobleSha256)).to.deep.equal(c.result);
  });
});
