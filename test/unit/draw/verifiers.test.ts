// The two offline verifiers: the CLI (scripts/verify-draw.ts, exit 0/1/2) and the browser
// bundle (scripts/build-browser.ts → DrawVerify global), both on the golden record.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildBrowserBundle } from '../../../scripts/build-browser.js';
import { runVerifyDraw } from '../../../scripts/verify-draw.js';
import { freezeAnnouncement, runAnnouncedDraw, type FreezeParams, type RecordRandomness } from '../../../server/draw/index.js';

const goldenPath = new URL('../../fixtures/draw/vector-1.record.json', import.meta.url);
const golden = readFileSync(goldenPath, 'utf8');
const golden2 = readFileSync(new URL('../../fixtures/draw/vector-2.record.json', import.meta.url), 'utf8');
const DIGEST2 = '91fdf03d754668e581fdee4ba0061aef43e2e20de2bb4c33e4b2f8abcf35ee7a';
const params2 = JSON.parse(readFileSync(new URL('../../fixtures/draw/vector-2.params.json', import.meta.url), 'utf8')) as { freeze: FreezeParams; randomness: RecordRandomness };

/** Vector 2 with its team size changed after the announcement, everything recomputed. */
function reannouncedTeamSize(): string {
  const p = structuredClone(params2.freeze);
  p.assignment!.teamSize = 3;
  const { announcement } = freezeAnnouncement(p);
  return JSON.stringify(runAnnouncedDraw({ announcement, pool: p.pool, inspectors: p.assignment!.inspectors, randomness: params2.randomness }));
}

describe('offline verifiers', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'draw-verify-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  function run(args: string[]): { status: number; out: string } {
    const lines: string[] = [];
    const status = runVerifyDraw(args, (line) => lines.push(line));
    return { status, out: lines.join('\n') };
  }

  it('verify-draw, on the golden record, prints MATCH and exits 0', () => {
    const { status, out } = run([file('ok.json', golden)]);
    expect(status).to.equal(0);
    expect(out).to.contain('VERDICT: MATCH').and.contain('9d4c95cbc6a58a0e722e0b5611865a9421e9c902805c2e21fb636f3e4e72a0fa');
  });

  it('verify-draw, on a tampered record, prints the first difference and exits 1', () => {
    const record = JSON.parse(golden);
    record.strata[1].selected[0] = record.strata[1].alternates[0];
    const { status, out } = run([file('bad.json', JSON.stringify(record))]);
    expect(status).to.equal(1);
    expect(out).to.contain('VERDICT: MISMATCH at strata[1].selected[0]');
  });

  it('verify-draw, with a published digest that differs, exits 1', () => {
    expect(run([file('ok2.json', golden), '--pool-digest', 'f'.repeat(64)]).status).to.equal(1);
  });

  it('verify-draw, on a missing file, invalid JSON or a non-record, prints UNREADABLE and exits 2', () => {
    expect(run([join(dir, 'absent.json')]).status).to.equal(2);
    expect(run([file('broken.json', '{"spec": ')]).out).to.contain('UNREADABLE');
    expect(run([file('other.json', '{"hello": 1}')]).status).to.equal(2);
    expect(run([]).status).to.equal(2);
  });

  it('verify-draw, run as a process, sets its exit status', () => {
    const record = JSON.parse(golden);
    record.pool.digest = '0'.repeat(64);
    const script = new URL('../../../scripts/verify-draw.ts', import.meta.url).pathname;
    const result = spawnSync(process.execPath, ['--import', 'tsx', script, file('bad-digest.json', JSON.stringify(record))], { encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(1);
    expect(result.stdout).to.contain('MISMATCH at pool.digest');
  });

  it('the browser bundle, evaluated without Node globals, exposes DrawVerify.verify that accepts the golden record and rejects a tampered one', async () => {
    const { code } = await buildBrowserBundle({ write: false });
    const sandbox: Record<string, unknown> = { TextEncoder };
    runInNewContext(code, sandbox);
    const api = sandbox.DrawVerify as { verifyJson(text: string): { ok: boolean; path?: string }; rfc3797Select(k: string, n: number, c: number): Array<{ pick: number }> };
    expect(api.verifyJson(golden).ok).to.equal(true);
    const record = JSON.parse(golden);
    record.assignment.teams[0].inspectors.reverse();
    expect(api.verifyJson(JSON.stringify(record))).to.include({ ok: false, path: 'assignment.teams[0].inspectors[0]' });
    expect(api.verifyJson('not json')).to.include({ ok: false });
    expect(api.rfc3797Select('9319./2.5.8.10.12./9.18.26.34.41.45./', 25, 3).map((p) => p.pick)).to.deep.equal([17, 7, 2]);
  });

  it('verify-draw, on an announced draw with its published announcement digest, prints MATCH, the digest and each source', () => {
    const { status, out } = run([file('v2.json', golden2), '--announcement-digest', DIGEST2]);
    expect(status, out).to.equal(0);
    expect(out).to.contain(`announcement ${DIGEST2}`).and.contain('drand quicknet round 30662982').and.contain('VERDICT: MATCH');
  });

  it('verify-draw, on an announced draw whose team size was changed after the announcement and recomputed, exits 1 on the published digest', () => {
    const changed = file('v2-changed.json', reannouncedTeamSize());
    expect(run([changed]).status, 'self-consistent without the digest').to.equal(0);
    const { status, out } = run([changed, '--announcement-digest', DIGEST2]);
    expect(status).to.equal(1);
    expect(out).to.contain('MISMATCH at announcement [PUBLISHED_MISMATCH]');
    expect(run([file('v1-with-digest.json', golden), '--announcement-digest', DIGEST2]).status).to.equal(1);
  });

  it('the browser bundle verifies an announced draw against the announcement digest typed by the visitor', async () => {
    const { code } = await buildBrowserBundle({ write: false });
    const sandbox: Record<string, unknown> = { TextEncoder };
    runInNewContext(code, sandbox);
    const api = sandbox.DrawVerify as { verifyJson(text: string, published?: { announcementDigest?: string }): { ok: boolean; code?: string; path?: string } };
    expect(api.verifyJson(golden2, { announcementDigest: DIGEST2 }).ok).to.equal(true);
    expect(api.verifyJson(reannouncedTeamSize(), { announcementDigest: DIGEST2 })).to.include({ ok: false, code: 'PUBLISHED_MISMATCH', path: 'announcement' });
    expect(api.verifyJson(golden, { announcementDigest: DIGEST2 })).to.include({ ok: false, code: 'PUBLISHED_MISMATCH' });
  });
});
