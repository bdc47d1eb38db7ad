// Cross-language check: scripts/reference-verifier/ref.py is an independent implementation of
// DRAW-SPEC.md written from the specification alone (Python standard library only). It must
// produce exactly the golden record and pool text that the TypeScript engine produces.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
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
});
