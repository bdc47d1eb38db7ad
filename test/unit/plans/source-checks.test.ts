// The reason codes a page shows for a source: every state maps to one, and each has its message
// in both catalogues (a missing one would print a raw key on the task page).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { REASON_CODES, isProblem, reasonCode } from '../../../server/plans/source-checks.js';

const catalogue = (lang: string) => JSON.parse(readFileSync(new URL(`../../../server/i18n/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;

describe('source reason codes', () => {
  it('reasonCode, for each source type and state, picks the code a page explains', () => {
    const fetched = { fetched: true, relays: 2 };
    expect(reasonCode('drand', { state: 'invalid' }, fetched)).to.equal('drand.bad_signature');
    expect(reasonCode('drand', { state: 'unreachable' }, fetched)).to.equal('drand.unreachable');
    expect(reasonCode('drand', { state: 'unreachable' }, { fetched: true, relays: 0 })).to.equal('drand.no_relay');
    expect(reasonCode('drand', { state: 'waiting' }, fetched)).to.equal('drand.not_published');
    expect(reasonCode('drand', { state: 'waiting' }, { fetched: false, relays: 2 })).to.equal('drand.not_fetched');
    expect(reasonCode('drand', { state: 'ready' }, fetched)).to.equal('drand.verified');
    expect(reasonCode('lottery', { state: 'waiting', from: new Date() }, fetched)).to.equal('lottery.not_published');
    expect(reasonCode('lottery', { state: 'waiting' }, fetched)).to.equal('lottery.awaiting_entries');
    expect(reasonCode('lottery', { state: 'mismatch' }, fetched)).to.equal('lottery.mismatch');
    expect(reasonCode('lottery', { state: 'invalid' }, fetched)).to.equal('lottery.invalid_entry');
    expect(reasonCode('commitment', { state: 'invalid' }, fetched)).to.equal('secret.missing');
    expect(['invalid', 'mismatch', 'unreachable', 'waiting', 'ready'].map((state) => isProblem({ state: state as 'ready' }))).to.deep.equal([true, true, true, false, false]);
  });

  it('every reason code has its message in zh-CN and en', () => {
    for (const lang of ['zh-CN', 'en']) {
      const messages = catalogue(lang);
      const missing = REASON_CODES.filter((code) => typeof messages[`drawCheck.reason.${code}`] !== 'string');
      expect(missing, lang).to.deep.equal([]);
    }
    expect(catalogue('zh-CN')['drawCheck.reason.drand.bad_signature']).to.match(/签名/);
  });
});
