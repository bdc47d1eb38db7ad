// The one form pipeline (server/http/forms.ts + views/partials/field.ejs): field codes with their
// params, the partial's controls (labels beside checkboxes, "all" only where asked, no password
// echoed), and models/ importing nothing from server/.
import { expect } from 'chai';
import ejs from 'ejs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readForm, text, withoutSecrets } from '../../../server/http/forms.js';
import { translator } from '../../../server/i18n/index.js';
import { PROJECT_ROOT, VIEWS_DIR } from '../../../server/paths.js';
import { entityEditSchema } from '../../../server/rosters/entity-admin.js';

const field = (locals: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  ejs.renderFile(join(VIEWS_DIR, 'partials', 'field.ejs'), { t: translator(locale), errors: {}, values: {}, ...locals });

describe('the form pipeline', () => {
  it('readForm gives bare codes with their params, and a problem of the whole body as _form', () => {
    const schema = z.object({ name: z.string().min(1, 'required').max(5, 'too_long'), note: text(3) });
    const result = readForm(schema, { name: 'toolong', note: 'a\u0000b' });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.fields).to.deep.equal({ name: 'too_long', note: 'control_character' });
    expect(result.params?.name).to.deep.equal({ max: 5 });
    const whole = readForm(z.object({}).refine(() => false, 'invalid'), {});
    expect(whole.ok ? {} : whole.fields).to.deep.equal({ _form: 'invalid' });
  });

  it('refuses a 最近检查日期 after today (in the time zone given), and takes today', () => {
    const base = { name: '某公司', type: '企业', status: '存续', region: '新街街道' };
    const future = readForm(entityEditSchema('2026-03-02'), { ...base, lastInspectedOn: '2030-01-01' });
    expect(future.ok ? {} : future.fields).to.deep.equal({ lastInspectedOn: 'date_in_future' });
    expect(future.ok ? {} : future.params?.lastInspectedOn).to.deep.equal({ today: '2026-03-02' });
    expect(readForm(entityEditSchema('2026-03-02'), { ...base, lastInspectedOn: '2026-03-02' }).ok).to.equal(true);
  });

  it('never echoes a password or the CSRF token', () => {
    expect(withoutSecrets({ username: 'a', password: 'x', passwordConfirm: 'x', currentPassword: 'y', _csrf: 't' })).to.deep.equal({ username: 'a' });
  });

  it('the partial shows the message of a code with its params in the page language, and marks the control invalid', async () => {
    const locals = { name: 'name', label: 'items.name', errors: { name: 'too_long' }, errorParams: { name: { max: 200 } }, values: { name: 'x'.repeat(201) } };
    const zh = await field(locals);
    expect(zh).to.include('事项名称').and.include('最多 200 个字符').and.include('aria-invalid="true"').and.include(`value="${'x'.repeat(201)}"`);
    const en = await field(locals, 'en');
    expect(en).to.include('at most 200 characters');
    expect(en).to.not.match(/error\.field|items\.name/);
  });

  it('a select offers "all" only when asked (filters), "(none)" for an optional choice, nothing for a required one', async () => {
    const options = [{ value: 'A', label: 'A' }];
    expect(await field({ name: 'riskClass', label: 'field.riskClass', options, blank: 'filter.all' })).to.include('>全部</option>');
    const edit = await field({ name: 'riskClass', label: 'field.riskClass', options, blank: 'form.none', values: { riskClass: 'A' } });
    expect(edit).to.not.include('全部');
    expect(edit).to.include('（不填）').and.include('value="A" selected');
    expect(await field({ name: 'type', label: 'field.type', options, required: true })).to.not.include('<option value="">');
  });

  it('a checkbox sits inside its label, beside the text, and keeps its state', async () => {
    const html = await field({ name: 'dryRun', label: 'imports.dryRun', type: 'checkbox', values: { dryRun: 'on' } });
    expect(html).to.match(/<label><input type="checkbox" value="on" id="field-dryRun" name="dryRun"[^>]* checked> <span>仅校验/);
    const group = await field({ name: 'methods', label: 'items.methods', type: 'checkboxes', options: [{ value: '书面检查', label: '书面检查' }, { value: '现场检查', label: '现场检查' }], values: { methods: ['现场检查'] } });
    expect(group).to.include('<legend>').and.include('value="现场检查" checked');
    expect(group).to.not.include('value="书面检查" checked');
  });

  it('a password field is always empty', async () => {
    expect(await field({ name: 'password', label: 'login.password', type: 'password', values: { password: 'secret-typed' } })).to.not.include('secret-typed');
  });

  it('models/ imports nothing from server/', async () => {
    const offenders: string[] = [];
    for (const file of await readdir(join(PROJECT_ROOT, 'models'))) {
      const text = await readFile(join(PROJECT_ROOT, 'models', file), 'utf8');
      if (/from '\.\.\/server\//.test(text)) offenders.push(file);
    }
    expect(offenders).to.deep.equal([]);
  });
});
