// onForm (server/http/forms.ts): the one way a use case's field problem lands on a form's field
// names, for the plan, task, inspection and result pages alike.
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onForm } from '../../../server/http/forms.js';
import { PROJECT_ROOT } from '../../../server/paths.js';

describe('onForm', () => {
  it('puts each code on the form field its path maps to, with the values its message shows', () => {
    const problem = onForm({ fields: { reason: 'too_long', year: 'required' }, params: { reason: { max: 2000 } } }, { reason: 'withdrawReason' });
    expect(problem).to.deep.equal({ fields: { withdrawReason: 'too_long', year: 'required' }, params: { withdrawReason: { max: 2000 } } });
  });

  it('keeps the first message when several paths land on one field, and adds values a use case leaves out', () => {
    const problem = onForm(
      { fields: { 'strata.0.quota': 'too_small', 'strata.1.quota': 'too_large', day: 'date_in_future' }, params: { 'strata.0.quota': { min: 1 }, 'strata.1.quota': { max: 9 } } },
      { 'strata.0.quota': 's0Count', 'strata.1.quota': 's0Count', day: 'lateDay' },
      { lateDay: { today: '2026-10-13' } },
    );
    expect(problem).to.deep.equal({ fields: { s0Count: 'too_small', lateDay: 'date_in_future' }, params: { s0Count: { min: 1 }, lateDay: { today: '2026-10-13' } } });
  });

  it('passes codes through as they are: they are already the catalogue\'s bare codes', () => {
    expect(onForm({ fields: { year: 'plan.year', day: 'invalid_date' } }).fields).to.deep.equal({ year: 'plan.year', day: 'invalid_date' });
  });

  it('no module of server/ emits a field code with the old `validation.` prefix (nothing would strip it any more)', async () => {
    const offenders: string[] = [];
    for (const entry of await readdir(join(PROJECT_ROOT, 'server'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const path = join(entry.parentPath, entry.name);
      if (/['"`]validation\.[a-z]/.test(await readFile(path, 'utf8'))) offenders.push(path);
    }
    expect(offenders).to.deep.equal([]);
  });
});
