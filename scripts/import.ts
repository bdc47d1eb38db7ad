// `npm run import -- <entities|inspectors|items> <file.csv|file.xlsx> [options]`: bulk import
// into the rosters or the item list through the same engine the web pages use. Progress goes
// to stderr (one line updated in place on a terminal, a line every few seconds otherwise), the
// summary to stdout. Exit 0 when the import ran — even with rejected rows, which are counted
// and listed in the error report — 1 on a fatal error, 2 on bad usage, 130 when interrupted
// (Ctrl-C stops after the current batch; running the same command again resumes).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.js';
import { openToolDatabase } from '../server/db/resolve-uri.js';
import { AppError, describeError } from '../server/errors.js';
import { cliLocale, failureText, translator } from '../server/import/messages.js';
import type { Locale } from '../server/i18n/index.js';
import {
  IMPORT_KINDS, parseEncodingName, progressLine, startImport, type ImportKind, type ImportProgress, type ImportSummary,
} from '../server/import/index.js';
import '../models/index.js';

const USAGE = `Usage: npm run import -- <${IMPORT_KINDS.join('|')}> <file.csv|file.xlsx> [options]
  --encoding auto|utf-8|gb18030   CSV character encoding (default: auto — BOM, else UTF-8, else GB18030)
  --delimiter ,                   CSV delimiter (default: detected from the header line)
  --dry-run                       validate and write the error report only; change nothing
  --batch-size 1000               rows per database batch
  --lang zh-CN|en                 language of messages and the error report (default: English
                                  when LC_ALL/LC_MESSAGES/LANG starts with "en", else zh-CN)
Connects like the app: MONGODB_URI, the embedded database of a running app, or its own.`;

class UsageError extends Error {}

interface CliOptions {
  kind: ImportKind;
  file: string;
  encoding: ReturnType<typeof parseEncodingName>;
  delimiter: string | undefined;
  dryRun: boolean;
  batchSize: number | undefined;
  locale: Locale;
}

function parseCli(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      encoding: { type: 'string', default: 'auto' },
      delimiter: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const [kind, file, ...rest] = positionals;
  if (!kind || !file || rest.length > 0) throw new UsageError('expected a kind and one file');
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown kind "${kind}"`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)) {
    throw new UsageError('--batch-size must be an integer from 1 to 10000');
  }
  if (values.delimiter !== undefined && values.delimiter.length !== 1) throw new UsageError('--delimiter must be one character');
  if (values.lang !== undefined && !['zh-CN', 'en'].includes(values.lang)) throw new UsageError('--lang must be zh-CN or en');
  return {
    kind: kind as ImportKind, file, encoding: parseEncodingName(values.encoding), delimiter: values.delimiter,
    dryRun: values['dry-run'], batchSize, locale: cliLocale(values.lang),
  };
}

/** Redraws one line on a terminal; elsewhere (logs, CI) prints one every five seconds. */
function progressPrinter(): { print(progress: ImportProgress): void; end(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let drawn = false;
  return {
    print(progress) {
      const now = Date.now();
      if (now - last < (tty ? 200 : 5000)) return;
      last = now;
      drawn = tty;
      process.stderr.write(tty ? `\r\x1b[K${progressLine(progress)}` : `${progressLine(progress)}\n`);
    },
    end: () => drawn && process.stderr.write('\n'),
  };
}

function printSummary(summary: ImportSummary, options: CliOptions): void {
  const { counts } = summary;
  const lines = [
    `${options.dryRun ? 'Dry run' : 'Import'} ${summary.status}: ${options.kind} from ${options.file} (${summary.format}${summary.encoding ? `, ${summary.encoding}` : ''}), run ${summary.runId}`,
    `  rows read ${counts.read}: inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}, duplicates ${counts.duplicates}, rejected ${counts.rejected}`,
    `  time ${summary.elapsedSeconds}s${summary.resumedFromRow ? `, resumed after row ${summary.resumedFromRow}` : ''}`,
  ];
  const t = translator(options.locale);
  const ignored = [...summary.unknownColumns, ...summary.repeatedColumns.map((c) => t('import.unknownColumn.repeated', { ...c }))];
  if (ignored.length > 0) lines.push(`  ignored columns: ${ignored.join(', ')}`);
  if (summary.errorReport) lines.push(`  error report (${summary.errorReport.count} errors): ${summary.errorReport.path}`);
  if (summary.failure) lines.push(`  failed: ${failureText(t, summary.failure)}`);
  if (summary.status === 'interrupted') lines.push('  run the same command again to resume');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The language asked for, also when the arguments as a whole did not parse (--lang en or --lang=en). */
function localeOfArgs(argv = process.argv): Locale {
  const at = argv.findIndex((arg) => arg === '--lang' || arg.startsWith('--lang='));
  return cliLocale(at < 0 ? undefined : argv[at]?.includes('=') ? argv[at]?.slice('--lang='.length) : argv[at + 1]);
}

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof AppError) && !(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const message = error instanceof AppError ? describeError(translator(localeOfArgs()), error) : (error as Error).message;
    process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const abort = new AbortController();
  const stop = () => (abort.signal.aborted ? process.exit(130) : abort.abort());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let database: Awaited<ReturnType<typeof openToolDatabase>> | undefined;
  try {
    database = await openToolDatabase(config);
    const printer = progressPrinter();
    const handle = await startImport({
      kind: options.kind, source: { path: options.file }, dataDir: config.dataDir,
      user: { username: userInfo().username || 'cli', via: 'cli' },
      encoding: options.encoding, delimiter: options.delimiter, dryRun: options.dryRun, locale: options.locale,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onProgress: (progress) => printer.print(progress), signal: abort.signal,
    });
    if (handle.resumedFromRow) process.stderr.write(`resuming an interrupted import of this file after row ${handle.resumedFromRow}\n`);
    const summary = await handle.done;
    printer.end();
    printSummary(summary, options);
    return summary.status === 'completed' ? 0 : summary.status === 'interrupted' ? 130 : 1;
  } finally {
    await database?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // People get the message; LOG_LEVEL=debug adds the stack for whoever debugs the tool.
    const detail = process.env.LOG_LEVEL === 'debug' && !(error instanceof AppError) && !(error instanceof ConfigError);
    const message = error instanceof AppError ? describeError(translator(localeOfArgs()), error) : (error as Error).message ?? String(error);
    process.stderr.write(`import failed: ${detail ? (error as Error).stack : message}\n`);
    process.exit(1);
  },
);
