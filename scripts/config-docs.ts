// `npm run config:docs`: rewrites the configuration table in README.md from server/config.ts,
// between the CONFIG-TABLE markers. test/unit/readme.test.ts fails when the two drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTableMarkdown } from '../server/config-docs.js';
import { PROJECT_ROOT } from '../server/paths.js';

const path = join(PROJECT_ROOT, 'README.md');
const readme = readFileSync(path, 'utf8');
const updated = readme.replace(
  /(<!-- CONFIG-TABLE:START -->\n)[\s\S]*?(<!-- CONFIG-TABLE:END -->)/,
  (_all, start: string, end: string) => `${start}${configTableMarkdown()}\n${end}`,
);
writeFileSync(path, updated);
console.log(updated === readme ? 'README.md already up to date' : 'README.md configuration table updated');
