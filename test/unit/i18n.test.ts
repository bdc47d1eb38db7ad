// The two message catalogues must stay in step: same keys, no empty text, same {placeholders};
// every key a view asks for with a literal t('…') must exist, and so must the message of every
// field code the server emits (shown as error.field.<code>, see server/http/forms.ts).
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCALES, termTranslator, translator } from '../../server/i18n/index.js';
import { PLAN_INSPECTION_TYPES, PLAN_STATUSES } from '../../models/plan.js';
import { TASK_INSPECTION_TYPES, TASK_STATUSES, TASK_TARGETING } from '../../models/task.js';
import { ENTITY_STATUSES } from '../../models/market-entity.js';
import { INSPECTOR_STATUSES } from '../../models/inspector.js';
import { PROJECT_ROOT, VIEWS_DIR } from '../../server/paths.js';
import { ROLES } from '../../models/user.js';
import { NAV_DESTINATIONS } from '../../server/access/nav.js';
import { FILE_MESSAGE_KEYS, ROW_MESSAGE_KEYS } from '../../server/import/messages.js';

const zh = LOCALES['zh-CN'] as Record<string, string>;
const en = LOCALES.en as Record<string, string>;
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
    const files = await viewFiles(VIEWS_DIR);
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

  it('contain every message key the account code emits (flashes, audit actions)', async () => {
    const dir = join(PROJECT_ROOT, 'server');
    const files = [...(await readdir(join(dir, 'auth'))).map((f) => join(dir, 'auth', f)), ...(await sourceFiles(join(dir, 'routes')))];
    const missing: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/'((?:users|account\.password|flash)\.[a-zA-Z_.]+)'/g)) {
        if (!(match[1] as string in zh)) missing.push(`${file.slice(dir.length + 1)}: ${match[1]}`);
      }
      for (const match of text.matchAll(/'((?:user|auth|account)\.[a-z_]+)'/g)) {
        if (!(`audit.${match[1]}` in zh)) missing.push(`${file.slice(dir.length + 1)}: audit.${match[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('have error.field.<code> for every field code the server and the models emit', async () => {
    const files = [...(await sourceFiles(join(PROJECT_ROOT, 'server'))), ...(await sourceFiles(join(PROJECT_ROOT, 'models')))].filter((f) => !f.includes('/import/') && !f.includes('/draw/'));
    const patterns = [
      /\.(?:min|max|regex|int|length)\([^)]*?,\s*'([a-z_.]+)'\)/g, // zod messages
      /z\.enum\([^)]*?,\s*'([a-z_.]+)'\)/g,
      /message: '([a-z_.]+)'/g, // custom zod issues
      /fields(?:\.\w+|\[[^\]]+\]) \??\??= '([a-z_.]+)'/g, // use cases filling FieldErrors
      /ValidationError\(\{[^}]*?: '([a-z_.]+)'/g,
      /return '(password\.[a-z_]+)'/g,
      /`(credit_code)\.\$\{/g,
    ];
    const codes = new Set<string>(['credit_code.length', 'credit_code.characters', 'credit_code.check_digit', 'control_character', 'malformed_unicode', 'invalid']);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) if (match[1] !== 'credit_code') codes.add(match[1] as string);
    }
    expect(codes.size).to.be.greaterThan(30);
    const missing = [...codes].filter((code) => !(`error.field.${code}` in zh));
    expect(missing).to.deep.equal([]);
  });

  it('have import.row.<code> and import.file.<problem> for every code and variant the importer emits, in both languages', async () => {
    const emitted = new Set<string>(['import.row.control_character', 'import.row.malformed_unicode']); // codes of unsafeTextReason
    const dir = join(PROJECT_ROOT, 'server', 'import');
    const rowPatterns = [
      /fail\('([a-z_]+)'(?:, [^,)]+, '([a-z_]+)')?/g, // cells.ts: fail(code, params?, variant?)
      /code: '([a-z_]+)'(?:, variant: '([a-z_]+)')?/g, // kinds: FieldError
      /hint: '([a-z_]+)'/g, // codeText patterns: invalid_format.<hint>
      /^\s+[a-z_]+: '(credit_code_[a-z_]+)'/gm,
    ];
    for (const file of await sourceFiles(dir)) {
      const text = await readFile(file, 'utf8');
      for (const [index, pattern] of rowPatterns.entries()) {
        for (const match of text.matchAll(pattern)) {
          emitted.add(index === 2 ? `import.row.invalid_format.${match[1]}` : `import.row.${match[1]}${match[2] ? `.${match[2]}` : ''}`);
        }
      }
      for (const match of text.matchAll(/new ImportFileError\('([a-z_]+)', (?:'([a-z_]+)'|undefined)/g)) emitted.add(`import.file.${match[1]}${match[2] ? `.${match[2]}` : ''}`);
      for (const match of text.matchAll(/tooLarge\('([a-z_]+)'/g)) emitted.add(`import.file.too_large.${match[1]}`);
      for (const match of text.matchAll(/key: '(import\.[a-z_.]+)'/g)) emitted.add(match[1] as string);
      for (const match of text.matchAll(/notFound\('([a-z_]+)'/g)) emitted.add(`import.file.${match[1]}`);
    }
    expect(emitted.size).to.be.greaterThan(40);
    // The lists in messages.ts name every one (a new code without both messages fails here).
    const listed = new Set([...ROW_MESSAGE_KEYS, ...FILE_MESSAGE_KEYS]);
    // invalid_format's variant is the pattern's hint (collected above); internal_error is a run's failure code, not a row's.
    const notMessages = new Set(['import.row.invalid_format', 'import.row.internal_error']);
    expect([...emitted].filter((key) => !listed.has(key) && !notMessages.has(key))).to.deep.equal([]);
    expect([...listed].filter((key) => !(key in zh) || !(key in en))).to.deep.equal([]);
  });

  it('give an English reader of import messages no Chinese but the values quoted from the file', () => {
    for (const key of [...ROW_MESSAGE_KEYS, ...FILE_MESSAGE_KEYS].filter((k) => !k.startsWith('import.report.'))) {
      expect(en[key]?.replace(/“[^”]*”/g, ''), key).to.not.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
    }
  });
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

describe('term(): the names of values the data stores in Chinese', () => {
  it('every task and plan state, inspection type, targeting and roster status has an English name; Chinese keeps the value; an unknown value is shown as it is', () => {
    const en = termTranslator(translator('en'));
    const zh = termTranslator(translator('zh-CN'));
    const values = [...TASK_INSPECTION_TYPES, ...TASK_STATUSES, ...TASK_TARGETING, ...PLAN_INSPECTION_TYPES, ...PLAN_STATUSES, ...ENTITY_STATUSES, ...INSPECTOR_STATUSES];
    for (const value of values) {
      expect(en(value), value).to.not.equal(value).and.not.match(/^term\./).and.not.match(/[\u4e00-\u9fff]/);
      expect(zh(value)).to.equal(value);
    }
    expect(en('某个新状态')).to.equal('某个新状态');
    expect(en(undefined)).to.equal('');
  });
});

