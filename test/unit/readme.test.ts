import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTableMarkdown } from '../../server/config-docs.js';
import { PROJECT_ROOT } from '../../server/paths.js';

describe('README.md', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('has the configuration table generated from the config schema (run `npm run config:docs`)', () => {
    expect(readme).to.include(configTableMarkdown());
  });

  it('gives the two commands a newcomer types first', () => {
    expect(readme).to.include('npm install && npm start');
    expect(readme).to.include('npm install && npm test');
  });

  it('.ci/run runs the README test command', () => {
    const ci = readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).to.match(/npm ci/);
    expect(ci).to.match(/\nnpm test\n/);
  });
});
