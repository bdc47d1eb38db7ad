// Runs every benchmark in bench/ (files named *.bench.ts), each in its own process so that
// peak memory is measured per benchmark. `npm run bench -- draw` runs only names containing "draw".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts') && name.includes(filter))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  // The app's own V8 flags (package.json "start" and "import"): a 32 MB young generation, so a
  // bulk import's short-lived row objects die young instead of being scavenged again and again
  // (measured at 200,000 rows: 13.8 → 11.6 s of app CPU for a re-import).
  const result = spawnSync(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', join(benchDir, file)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${file} failed with status ${result.status ?? result.signal}`);
  }
}
if (files.length === 0) console.error(`no benchmark matches "${filter}"`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
