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

const goldenPath = new URL('../../fixtures/draw/vector-1.record.json', import.meta.url);
const golden = readFileSync(goldenPath, 'utf8');

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
});
