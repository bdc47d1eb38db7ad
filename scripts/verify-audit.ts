// `npm run verify-audit -- [--expect-head SEQ:HASH] [--lang zh-CN|en]`: walks the audit hash
// chain (server/audit/verify-chain.ts) and names the first broken entry. Exit status: 0 when
// the chain is intact, 1 when an entry was changed, deleted, reordered or is outside the chain
// (or the noted head is gone or different), 2 when it could not be checked (usage, config,
// database). The head is printed on success: note it somewhere else (a ticket, a signed mail)
// and pass it back with --expect-head, which is what detects the newest entries being removed.
// Progress goes to stderr; it uses the database the app uses (MONGODB_URI, the running app's
// embedded server, or one started for the duration).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.js';
import { openToolDatabase } from '../server/db/resolve-uri.js';
import { cliLocale, translator } from '../server/import/messages.js';
import { describeBroken, entryName, verifyChain, type ChainReport } from '../server/audit/verify-chain.js';
import '../models/index.js';

const USAGE = `Usage: npm run verify-audit -- [--expect-head SEQ:HASH] [--lang zh-CN|en]
  --expect-head SEQ:HASH   the head printed by an earlier run: fails if that entry is gone or differs
  --lang zh-CN|en          language of the messages (default: from LANG, else Chinese)`;

class UsageError extends Error {}

function readArgs(argv: string[]): { expectHead?: { seq: number; hash: string }; lang?: string } {
  const { values } = parseArgs({ args: argv, options: { 'expect-head': { type: 'string' }, lang: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) throw new UsageError(USAGE);
  const noted = values['expect-head'];
  if (noted === undefined) return { ...(values.lang ? { lang: values.lang } : {}) };
  const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(noted);
  if (!match) throw new UsageError(`--expect-head takes SEQ:HASH (a number, a colon and 64 hex digits)\n${USAGE}`);
  return { expectHead: { seq: Number(match[1]), hash: match[2]!.toLowerCase() }, ...(values.lang ? { lang: values.lang } : {}) };
}

/** Prints "checked N entries" to stderr at most every 2 s (one line updated in place on a terminal). */
function progressPrinter(t: ReturnType<typeof translator>): { print: (checked: number) => void; done: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = Date.now();
  let printed = false;
  return {
    print: (checked) => {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      printed = true;
      const line = t('audit.progress', { n: checked });
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done: () => {
      if (printed && tty) process.stderr.write('\n');
    },
  };
}

function printReport(report: ChainReport, t: ReturnType<typeof translator>): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(t('audit.checked', { n: report.checked }));
  if (report.intact) {
    // The head only when intact: on a broken chain the last entry walked is no head to note.
    if (report.head) out(t('audit.cli.head', { seq: String(report.head.seq), hash: report.head.hash, at: report.head.at?.toISOString() ?? '—' }));
    out(`VERDICT: INTACT — ${t('audit.intact')}`);
    if (report.head) out(t('audit.cli.note', { seq: String(report.head.seq), hash: report.head.hash }));
    return;
  }
  const broken = report.broken!;
  out(`VERDICT: BROKEN — ${t('audit.broken')} ${entryName(broken, t)}`);
  out(`  ${describeBroken(broken, t)}`);
}

async function main(): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  let config: ReturnType<typeof loadConfig>;
  try {
    args = readArgs(process.argv.slice(2));
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const t = translator(cliLocale(args.lang));
  const database = await openToolDatabase(config);
  try {
    const printer = progressPrinter(t);
    const report = await verifyChain({ onProgress: printer.print, ...(args.expectHead ? { expectHead: args.expectHead } : {}) });
    printer.done();
    printReport(report, t);
    return report.intact ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`verify-audit could not check the chain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
