// `npm run create-admin`: creates an administrator — the only way to get the first account
// (there are no default accounts). In a terminal it asks for what is missing (the password
// without echo); otherwise everything comes from flags or the environment:
//   npm run create-admin -- --username chen --name 陈明 --department HJ-SCJG --password-stdin < pw.txt
//   ADMIN_USERNAME=chen ADMIN_NAME=陈明 ADMIN_DEPARTMENT=HJ-SCJG ADMIN_PASSWORD=… npm run create-admin
// It uses the database the app uses: MONGODB_URI, the embedded server of a running app, or it
// starts the embedded server itself for the duration of the command.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from '../server/config.js';
import { loadDefaults } from '../server/demo/load-world.js';
import { createAdmin, type AdminInput } from '../server/auth/users.js';
import { ValidationError } from '../server/errors.js';
import { translator } from '../server/i18n/index.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../server/auth/password.js';
import '../models/index.js';
import { openToolDatabase } from '../server/db/resolve-uri.js';

const USAGE = `Usage: npm run create-admin -- [--username NAME] [--name DISPLAY_NAME] [--department CODE] [--password-stdin]
Missing values are asked for in a terminal; otherwise set ADMIN_USERNAME, ADMIN_NAME,
ADMIN_DEPARTMENT and ADMIN_PASSWORD (or pipe the password with --password-stdin).`;

const t = translator(process.env.LANG?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/**
 * One readline interface for every question (several would each swallow buffered input);
 * while `muted`, what the person types is not echoed.
 */
function terminalPrompter() {
  let muted = false;
  const output = new Writable({ write: (chunk, _enc, done) => { if (!muted) process.stdout.write(chunk); done(); } });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // The iterator buffers lines that arrive before their question is asked (pasted input).
  const lines = rl[Symbol.asyncIterator]();
  return {
    ask: async (question: string, secret = false): Promise<string> => {
      process.stdout.write(question);
      muted = secret;
      const next = await lines.next();
      muted = false;
      if (secret) process.stdout.write('\n');
      if (next.done) throw new UsageError('Input ended before every question was answered.');
      const answer = String(next.value);
      return secret ? answer : answer.trim();
    },
    close: () => rl.close(),
  };
}

async function gatherInput(): Promise<AdminInput> {
  const { values } = parseArgs({
    options: { username: { type: 'string' }, name: { type: 'string' }, department: { type: 'string' }, 'password-stdin': { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  const env = process.env;
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !values['password-stdin'];
  const prompter = interactive ? terminalPrompter() : undefined;
  try {
    const pick = async (flag: string | undefined, envValue: string | undefined, question: string) => {
      const given = flag ?? envValue;
      if (given !== undefined && given !== '') return given;
      if (!prompter) throw new UsageError(`${question.replace(/[:：]\s*$/, '')} is missing.\n${USAGE}`);
      return prompter.ask(question);
    };
    const username = await pick(values.username, env.ADMIN_USERNAME, 'Username: ');
    const displayName = await pick(values.name, env.ADMIN_NAME, 'Display name: ');
    const departmentCode = await pick(values.department, env.ADMIN_DEPARTMENT, 'Department code (e.g. HJ-SCJG): ');
    if (values['password-stdin']) return { username, displayName, departmentCode, password: await readStdin() };
    if (env.ADMIN_PASSWORD) return { username, displayName, departmentCode, password: env.ADMIN_PASSWORD };
    if (!prompter) throw new UsageError(`No password: set ADMIN_PASSWORD or use --password-stdin.\n${USAGE}`);
    process.stdout.write(`Password: at least ${PASSWORD_MIN_LENGTH} (at most ${PASSWORD_MAX_LENGTH}) characters, not the username, not a common password.\n`);
    const password = await prompter.ask('Password: ', true);
    const passwordConfirm = await prompter.ask('Repeat the password: ', true);
    return { username, displayName, departmentCode, password, passwordConfirm };
  } finally {
    prompter?.close();
  }
}

async function main(): Promise<number> {
  let config: Config;
  let input: AdminInput;
  try {
    config = loadConfig();
    input = await gatherInput();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const database = await openToolDatabase(config);
  try {
    await loadDefaults(); // a fresh database gets its first department here, as at app start
    const admin = await createAdmin(input);
    process.stdout.write(`Administrator "${admin.username}" created (department ${admin.departmentCode}).\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [field, code] of Object.entries(error.fields)) {
      process.stderr.write(`${field}: ${t(`error.field.${code}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH, ...error.params[field] })}\n`);
    }
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
