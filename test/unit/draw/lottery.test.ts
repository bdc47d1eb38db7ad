// Lottery results and commit–reveal as declared sources: canonical forms, entries typed by
// people, the two-user agreement rule (a disagreement stays a recorded state), key material.
import { expect } from 'chai';
import {
  checkReveal, commitmentOf, lotteryAgreement, lotteryResultProblem, lotterySeedSources, parseLotteryEntry, secretHex,
} from '../../../server/randomness/index.js';
import { canonicalKey } from '../../../server/draw/index.js';

describe('lottery sources', () => {
  it('parseLotteryEntry, for digit games, keeps the drawn order and leading zeros, and accepts full-width input', () => {
    expect(parseLotteryEntry('fc3d', '0 7 3')).to.deep.equal({ ok: true, result: [[0, 7, 3]], text: '073' });
    expect(parseLotteryEntry('fc3d', '０７３')).to.deep.include({ ok: true, text: '073' });
    expect(parseLotteryEntry('pl5', '9,0,1,2,2')).to.deep.include({ ok: true, text: '90122' });
    expect(parseLotteryEntry('fc3d', '0734').ok).to.equal(false);
    expect(parseLotteryEntry('fc3d', '07a').ok).to.equal(false);
  });

  it('parseLotteryEntry, for ball games, sorts each group, keeps groups apart and refuses repeats or out-of-range numbers', () => {
    expect(parseLotteryEntry('ssq', '31 07 03 25 12 19 + 09')).to.deep.include({ ok: true, result: [[3, 7, 12, 19, 25, 31], [9]], text: '03 07 12 19 25 31 + 09' });
    expect(parseLotteryEntry('ssq', '03 07 12 19 25 31 09')).to.deep.include({ ok: true, text: '03 07 12 19 25 31 + 09' });
    expect(parseLotteryEntry('dlt', '01 02 03 04 35 | 11 12')).to.deep.include({ ok: true });
    expect(parseLotteryEntry('ssq', '03 03 12 19 25 31 + 09').ok).to.equal(false);
    expect(parseLotteryEntry('ssq', '03 07 12 19 25 34 + 09').ok).to.equal(false);
    expect(parseLotteryEntry('ssq', '03 07 12 19 25 31 + 17').ok).to.equal(false);
    expect(parseLotteryEntry('kl8', '1').ok).to.equal(false);
    expect(lotteryResultProblem('ssq', [[7, 3, 12, 19, 25, 31], [9]])).to.match(/ascending/);
  });

  it('lotteryAgreement, with one entry or one user twice, waits; with two users agreeing, is agreed', () => {
    expect(lotteryAgreement('fc3d', []).state).to.equal('waiting');
    expect(lotteryAgreement('fc3d', [{ userId: 'u1', text: '073' }]).state).to.equal('waiting');
    expect(lotteryAgreement('fc3d', [{ userId: 'u1', text: '073' }, { userId: 'u1', text: '0 7 3' }]).state).to.equal('waiting');
    expect(lotteryAgreement('fc3d', [{ userId: 'u1', text: '073' }, { userId: 'u2', text: '０ ７ ３' }])).to.deep.equal({ state: 'agreed', result: [[0, 7, 3]], text: '073', users: ['u1', 'u2'] });
  });

  it('lotteryAgreement, when entries differ (even by the same user), is a mismatch listing both, never a pick', () => {
    const m = lotteryAgreement('fc3d', [{ userId: 'u1', text: '073' }, { userId: 'u2', text: '037' }, { userId: 'u3', text: '073' }]);
    expect(m.state).to.equal('mismatch');
    if (m.state === 'mismatch') expect(m.results).to.deep.equal([{ text: '073', users: ['u1', 'u3'] }, { text: '037', users: ['u2'] }]);
    expect(lotteryAgreement('fc3d', [{ userId: 'u1', text: '073' }, { userId: 'u1', text: '074' }]).state).to.equal('mismatch');
    expect(lotteryAgreement('fc3d', [{ userId: 'u1', text: 'x' }]).state).to.equal('invalid');
  });

  it('lotterySeedSources give canonical-key groups: digits as one ordered value, balls one group each', () => {
    expect(canonicalKey(lotterySeedSources('fc3d', [[0, 7, 3]]))).to.equal('073./');
    expect(canonicalKey(lotterySeedSources('ssq', [[3, 7, 12, 19, 25, 31], [9]]))).to.equal('3.7.12.19.25.31./9./');
  });
});

describe('commit–reveal', () => {
  it('commitmentOf hashes the secret\'s bytes; checkReveal accepts the secret and refuses any other', () => {
    const reveal = secretHex(new Uint8Array(32).fill(0xab));
    const commitment = commitmentOf(reveal);
    expect(commitment).to.match(/^[0-9a-f]{64}$/);
    expect(commitmentOf('5eed5eed00112233445566778899aabbccddeeff00112233445566778899aabb')).to.equal('50cc682dca1ce6b0e582a7f29d15c3338d5a2c7138ba22763730d0d2d0ff5a75');
    expect(checkReveal(commitment, reveal)).to.deep.equal({ ok: true });
    expect(checkReveal(commitment, `${reveal.slice(0, -1)}c`).ok).to.equal(false);
    expect(checkReveal(commitment, 'short').ok).to.equal(false);
    expect(() => secretHex(new Uint8Array(8))).to.throw(RangeError);
  });
});
