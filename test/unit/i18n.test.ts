// The two message catalogues must stay in step: same keys, no empty text, same {placeholders};
// and every key the account/access views ask for with a literal t('…') must exist.
// (Widen CHECKED_VIEW_DIRS to every folder once each feature's keys are in the catalogues.)
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCALES } from '../../server/i18n/index.js';
import { PROJECT_ROOT, VIEWS_DIR } from '../../server/paths.js';
import { ROLES } from '../../models/user.js';
import { NAV_DESTINATIONS } from '../../server/access/nav.js';

const zh = LOCALES['zh-CN'] as Record<string, string>;
const en = LOCALES.en as Record<string, string>;
const CHECKED_VIEW_DIRS = ['auth', 'account', 'admin/users', 'errors'];
const CHECKED_PARTIALS = ['head', 'foot', 'user-menu', 'error-summary', 'field', 'csrf'].map((name) => join(VIEWS_DIR, 'partials', `${name}.ejs`));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

async function viewFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? viewFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ejs') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

describe('the message catalogues', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const onlyZh = Object.keys(zh).filter((key) => !(key in en));
    const onlyEn = Object.keys(en).filter((key) => !(key in zh));
    expect({ onlyZh, onlyEn }).to.deep.equal({ onlyZh: [], onlyEn: [] });
  });

  it('have no empty messages, and the same {placeholders} in both languages', () => {
    for (const key of Object.keys(zh)) {
      expect(zh[key]?.trim(), key).to.not.equal('');
      expect(en[key]?.trim(), key).to.not.equal('');
      expect(placeholders(en[key] ?? ''), key).to.deep.equal(placeholders(zh[key] ?? ''));
    }
  });

  it('contain every key the views use literally', async () => {
    const missing: string[] = [];
    const files = [...(await Promise.all(CHECKED_VIEW_DIRS.map((dir) => viewFiles(join(VIEWS_DIR, dir))))).flat(), ...CHECKED_PARTIALS];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'[,)]/g)) {
        if (!(match[1] as string in zh)) missing.push(`${file.slice(VIEWS_DIR.length + 1)}: ${match[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('name every role and every navigation destination (keys built at run time)', () => {
    const keys = [...ROLES.map((role) => `role.${role}`), ...NAV_DESTINATIONS.map((link) => link.label)];
    expect(keys.filter((key) => !(key in zh))).to.deep.equal([]);
  });

  it('contain every message key the account code emits (validation messages, flashes, audit actions)', async () => {
    const dir = join(PROJECT_ROOT, 'server');
    const files = [...(await readdir(join(dir, 'auth'))).map((f) => join(dir, 'auth', f)), ...['auth', 'account', 'admin-users'].map((f) => join(dir, 'routes', `${f}.ts`))];
    const missing: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/'((?:validation|login\.error|users|account\.password)\.[a-zA-Z_.]+)'/g)) {
        if (!(match[1] as string in zh)) missing.push(`${file.slice(dir.length + 1)}: ${match[1]}`);
      }
      for (const match of text.matchAll(/'((?:user|auth|account)\.[a-z_]+)'/g)) {
        if (!(`audit.${match[1]}` in zh)) missing.push(`${file.slice(dir.length + 1)}: audit.${match[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
