// RFC 3797 compatibility mode against the RFC's own worked example (§6 of the RFC).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { rfc3797Key, rfc3797Select } from '../../../server/draw/index.js';

const published = JSON.parse(readFileSync(new URL('../../fixtures/draw/rfc3797.json', import.meta.url), 'utf8')) as {
  sources: number[][]; key: string; poolSize: number; picks: number[]; firstHash: string;
};

describe('RFC 3797 compatibility mode', () => {
  it('rfc3797Key, from the example lottery numbers, builds the published key', () => {
    expect(rfc3797Key(published.sources)).to.equal(published.key);
  });

  it('rfc3797Select, on the example key and a pool of 25, picks 17, 7, 2, 16, 25, 23, 8, 24, 19, 13', () => {
    const picks = rfc3797Select(published.key, published.poolSize, published.picks.length);
    expect(picks.map((p) => p.pick)).to.deep.equal(published.picks);
    expect(picks[0]!.hash).to.equal(published.firstHash);
  });

  it('rfc3797Select, with a key differing in one digit, picks differently', () => {
    const picks = rfc3797Select(published.key.replace('9319', '9318'), published.poolSize, published.picks.length);
    expect(picks.map((p) => p.pick)).to.not.deep.equal(published.picks);
  });
});
