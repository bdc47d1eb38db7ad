// drand quicknet: round arithmetic, offline BLS verification of real recorded rounds
// (test/fixtures/draw/drand-quicknet.json says where each came from), and the relay client
// against fake relays on 127.0.0.1 — one honest, one serving a tampered signature.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drandRandomness, drandRoundAt, drandRoundTime, fetchDrandRound, QUICKNET, verifyDrandBeacon } from '../../../server/randomness/index.js';

interface Recorded { round: number; signature: string; randomness: string }
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/draw/drand-quicknet.json', import.meta.url), 'utf8')) as { chain: { public_key: string; hash: string }; rounds: Recorded[] };

/** Flips the last hex digit: still hex, no longer the signature. */
const tamper = (sig: string): string => sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');

describe('drand quicknet', () => {
  it('the chain constants are the ones drand published for quicknet', () => {
    expect(QUICKNET.hash).to.equal(fixture.chain.hash);
    expect(QUICKNET.publicKey).to.equal(fixture.chain.public_key);
  });

  it('drandRoundAt, for a scheduled time, names the first round published at or after it', () => {
    expect(drandRoundAt(QUICKNET, QUICKNET.genesis)).to.equal(1);
    expect(drandRoundAt(QUICKNET, QUICKNET.genesis - 1000)).to.equal(1);
    expect(drandRoundAt(QUICKNET, QUICKNET.genesis + 1)).to.equal(2);
    expect(drandRoundAt(QUICKNET, QUICKNET.genesis + 3)).to.equal(2);
    expect(drandRoundAt(QUICKNET, QUICKNET.genesis + 4)).to.equal(3);
    // 2023-09-15T11:00:01Z → round 657413, published at 11:00:03Z
    expect(drandRoundAt(QUICKNET, 1694775601)).to.equal(657413);
    expect(drandRoundTime(QUICKNET, 657413)).to.equal(1694775603);
    for (const t of [1694775601, 1784792310, 1784792369]) expect(drandRoundTime(QUICKNET, drandRoundAt(QUICKNET, t))).to.be.within(t, t + 2);
  });

  it('verifyDrandBeacon, on every recorded real round, verifies the BLS signature and derives randomness = SHA-256(signature)', () => {
    expect(fixture.rounds).to.have.length.greaterThanOrEqual(6);
    for (const r of fixture.rounds) {
      const check = verifyDrandBeacon(QUICKNET, r.round, r.signature, r.randomness);
      expect(check, `round ${r.round}`).to.deep.equal({ ok: true, round: r.round, signature: r.signature, randomness: r.randomness });
      expect(drandRandomness(r.signature)).to.equal(r.randomness);
    }
  });

  it('verifyDrandBeacon, with a tampered signature, another round\'s signature, a wrong randomness or junk, refuses with a reason', () => {
    const [r1, r2] = fixture.rounds;
    const bad = [
      verifyDrandBeacon(QUICKNET, r1!.round, tamper(r1!.signature)),
      verifyDrandBeacon(QUICKNET, r2!.round, r1!.signature),
      verifyDrandBeacon(QUICKNET, r1!.round + 1, r1!.signature),
      verifyDrandBeacon(QUICKNET, r1!.round, r1!.signature, r2!.randomness),
      verifyDrandBeacon(QUICKNET, r1!.round, 'zz'),
      verifyDrandBeacon(QUICKNET, 0, r1!.signature),
      verifyDrandBeacon(QUICKNET, r1!.round, r1!.signature.toUpperCase()),
    ];
    for (const b of bad) {
      expect(b.ok).to.equal(false);
      if (!b.ok) expect(b.reason).to.be.a('string').and.not.equal('');
    }
  });

  describe('the relay client, against local fake relays', () => {
    const servers: Server[] = [];
    async function relay(answer: (round: number) => { status: number; body: string }): Promise<string> {
      const server = createServer((req, res) => {
        const m = /^\/([0-9a-f]{64})\/public\/(\d+)$/.exec(req.url ?? '');
        const out = m && m[1] === QUICKNET.hash ? answer(Number(m[2])) : { status: 404, body: 'not found' };
        res.writeHead(out.status, { 'content-type': 'application/json' }).end(out.body);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    const recorded = (tampered = false) => (round: number) => {
      const r = fixture.rounds.find((x) => x.round === round);
      if (!r) return { status: 425, body: '{"error":"too early"}' };
      return { status: 200, body: JSON.stringify({ round, randomness: r.randomness, signature: tampered ? tamper(r.signature) : r.signature }) };
    };
    after(async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    });

    it('fetchDrandRound, from an honest relay, returns the verified round', async () => {
      const honest = await relay(recorded());
      const result = await fetchDrandRound(30662982, { relays: [honest] });
      expect(result.state).to.equal('verified');
      if (result.state === 'verified') expect(result.randomness).to.equal('ae76da5137c6d0a0d3b50d325948b26cc3ff1f804cd7bbca29b9250c2bfe8d67');
    });

    it('fetchDrandRound, when the first relay serves a tampered signature, reports it and takes the verified round from the next', async () => {
      const liar = await relay(recorded(true));
      const honest = await relay(recorded());
      const result = await fetchDrandRound(657413, { relays: [liar, honest] });
      expect(result.state).to.equal('verified');
      expect(result.attempts.map((a) => a.outcome)).to.deep.equal(['invalid', 'verified']);
    });

    it('fetchDrandRound, when every relay serves a bad signature, is invalid with a clear reason (the draw is blocked)', async () => {
      const liar = await relay(recorded(true));
      const result = await fetchDrandRound(657413, { relays: [liar] });
      expect(result.state).to.equal('invalid');
      if (result.state === 'invalid') expect(result.reason).to.contain('no relay served a valid round 657413');
    });

    it('fetchDrandRound, for a round not published yet, waits — without asking when the clock says it is too early', async () => {
      const honest = await relay(recorded());
      expect((await fetchDrandRound(99999999, { relays: [honest] })).state).to.equal('waiting');
      let asked = 0;
      const counting = async (): Promise<never> => { asked += 1; throw new Error('should not be called'); };
      const early = await fetchDrandRound(30662982, { relays: [honest], fetch: counting, now: drandRoundTime(QUICKNET, 30662982) - 1 });
      expect(early.state).to.equal('waiting');
      expect(asked).to.equal(0);
    });

    it('fetchDrandRound, when no relay answers, is unreachable; a relay answering another round is invalid', async () => {
      const unreachable = await fetchDrandRound(1, { relays: ['http://127.0.0.1:9'], timeoutMs: 2000 });
      expect(unreachable.state).to.equal('unreachable');
      const wrongRound = await relay(() => ({ status: 200, body: JSON.stringify({ round: 1, ...fixture.rounds[0] }) }));
      const result = await fetchDrandRound(2, { relays: [wrongRound] });
      expect(result.state).to.equal('invalid');
    });
  });
});
