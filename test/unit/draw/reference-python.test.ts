// Cross-language check: scripts/reference-verifier/ref.py is an independent implementation of
// DRAW-SPEC.md written from the specification alone (Python standard library only). It must
// produce exactly the golden record and pool text that the TypeScript engine produces.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../server/paths.js';

const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'draw');

describe('the independent Python implementation of DRAW-SPEC.md', () => {
  it('reproduces golden vector 1 (selection, teams and recusals) and its pool text byte for byte', () => {
    const output = execFileSync('python3', [join(PROJECT_ROOT, 'scripts', 'reference-verifier', 'ref.py'), join(fixtures, 'vector-1.input.json')], {
      encoding: 'utf8',
    });
    const { record, poolText } = JSON.parse(output) as { record: Record<string, unknown>; poolText: string };
    const golden = JSON.parse(readFileSync(join(fixtures, 'vector-1.record.json'), 'utf8')) as Record<string, unknown>;
    const { input: _input, ...goldenWithoutInput } = golden;
    expect(record).to.deep.equal(goldenWithoutInput);
    expect(poolText).to.equal(readFileSync(join(fixtures, 'vector-1.pool.txt'), 'utf8'));
  });

  it('reproduces golden vector 2 (announcement digest, input rebuilt from the announcement, roster digest, cap exclusions) and refuses another published digest', () => {
    const script = join(PROJECT_ROOT, 'scripts', 'reference-verifier', 'ref.py');
    const recordFile = join(fixtures, 'vector-2.record.json');
    const digest = '91fdf03d754668e581fdee4ba0061aef43e2e20de2bb4c33e4b2f8abcf35ee7a';
    const output = execFileSync('python3', [script, recordFile, '--announcement-digest', digest], { encoding: 'utf8' });
    const out = JSON.parse(output) as { record: unknown; announcementText: string; rosterText: string };
    expect(out.record).to.deep.equal(JSON.parse(readFileSync(recordFile, 'utf8')));
    expect(out.announcementText).to.equal(readFileSync(join(fixtures, 'vector-2.announcement.txt'), 'utf8'));
    expect(out.rosterText).to.equal(readFileSync(join(fixtures, 'vector-2.roster.txt'), 'utf8'));
    const refused = spawnSync('python3', [script, recordFile, '--announcement-digest', '0'.repeat(64)], { encoding: 'utf8' });
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.contain('REFUSED: announcement digest');
  });
});
