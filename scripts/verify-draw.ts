// `npm run verify-draw -- draw.json [--announcement-digest HEX] [--pool-digest HEX] [--key KEY] [--commitment HEX]`
// Recomputes an exported draw record offline and prints a verdict. Exit status: 0 when the
// record is exactly what its inputs produce, 1 when it is not (or a value differs from one
// published beforehand), 2 when the file cannot be read as a draw record at all. For an
// announced draw (ssj-draw/2) the announcement digest published before the draw is the one
// value to pass: it covers every parameter, the pool, the roster and the declared sources.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { verify, type PublishedValues } from '../server/draw/index.js';
import { nodeSha256 } from '../server/draw/node-sha256.js';

const USAGE = 'usage: npm run verify-draw -- draw.json [--announcement-digest HEX] [--pool-digest HEX] [--key CANONICAL_KEY] [--commitment HEX]';
const FLAGS: Record<string, keyof PublishedValues> = {
  '--announcement-digest': 'announcementDigest', '--pool-digest': 'poolDigest', '--key': 'canonicalKey', '--commitment': 'commitment',
};

function parseArgs(argv: string[]): { file: string; published: PublishedValues } | string {
  let file: string | undefined;
  const published: PublishedValues = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const flag = FLAGS[arg];
    if (flag) {
      const value = argv[i + 1];
      if (value === undefined) return `${arg} needs a value`;
      published[flag] = value;
      i += 1;
    } else if (arg.startsWith('--')) {
      return `unknown option ${arg}`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return 'give one draw file';
    }
  }
  return file === undefined ? 'no draw file given' : { file, published };
}

/** Runs the CLI and returns its exit status; `print` receives each output line. */
export function runVerifyDraw(argv: string[], print: (line: string) => void = console.log): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    print(`${args}\n${USAGE}`);
    return 2;
  }
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(args.file, 'utf8'));
  } catch (e) {
    print(`VERDICT: UNREADABLE — ${args.file}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const result = verify(record, { sha256: nodeSha256, published: args.published });
  print(`Draw record: ${args.file}`);
  if (result.ok) {
    const s = result.summary;
    print(`  spec         ${s.spec}`);
    print(`  task         ${s.taskId}`);
    if (s.announcementDigest !== null) print(`  announcement ${s.announcementDigest}`);
    print(`  pool digest  ${s.poolDigest}`);
    print(`  derived key  ${s.derivedKey}`);
    for (const line of s.sources) print(`  source       ${line}`);
    print(`  recomputed   ${s.selected} selected entities, ${s.teams} teams, ${s.recusals} recusals`);
    print('VERDICT: MATCH — the record is exactly what its inputs produce.');
    if (s.announcementDigest !== null && args.published.announcementDigest === undefined) {
      print('Note: compare the announcement digest above with the one published before the draw (or pass --announcement-digest).');
    } else if (s.announcementDigest === null && Object.keys(args.published).length === 0) {
      print('Note: compare the pool digest and the key above with the values published before the draw (or pass --pool-digest/--key).');
    }
    return 0;
  }
  if (result.code === 'RECORD_INVALID' || result.code === 'UNSUPPORTED_SPEC') {
    print(`VERDICT: UNREADABLE — ${result.message}`);
    return 2;
  }
  print(`VERDICT: MISMATCH at ${result.path || '(record)'} [${result.code}]`);
  print(`  ${result.message}`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runVerifyDraw(process.argv.slice(2));
}
