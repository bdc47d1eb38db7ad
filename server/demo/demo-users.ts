// Owns the demo accounts — one per role, created only in demo mode and only in a database holding
// the demo world — and starting the demo history (server/demo/demo-workflow.ts), which needs the
// two supervisors to act and decides whose work the demo inspector finds. The history's first
// phase (plans, tasks, draws: a few seconds) runs before this returns; its second (the ~100
// inspections: about a minute) runs in the background unless `background: false`, logging its
// progress, so that `npm start` listens at once (main.ts only awaits this function). Each account
// is created once, by username (a start killed half-way creates the missing ones on the next
// start; an account that exists is never touched). Their random passwords are returned to the
// caller to print once on the console; they are never stored in clear and never shown in a page.
import { AppMeta, Inspector } from '../../models/index.js';
import { ROLES, User } from '../../models/user.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { generatePassword } from '../auth/password.js';
import { createUser } from '../auth/users.js';
import { MARKET_SUPERVISION_DEPT } from '../catalog/defaults.js';
import { ValidationError } from '../errors.js';
import type { DemoHistoryOptions } from './demo-context.js';
import { DEMO_REVIEWER, DEMO_SUPERVISOR, WORKFLOW_MARKER, demoHistoryPossible, prepareDemoHistory } from './demo-workflow.js';

const DEMO_WORLD_MARKER = 'demo-world';
const MARKER = 'demo-users';

export interface DemoCredential {
  username: string;
  role: string;
  password: string;
}

interface Account { username: string; displayName: string; role: string; departmentCode: string; inspectorCode?: string }

/** One account per role (the demo inspector comes last: the history chooses whose work they find). */
const ACCOUNTS: Account[] = [
  { username: 'demo-admin', displayName: '演示管理员', role: 'admin', departmentCode: MARKET_SUPERVISION_DEPT },
  { username: DEMO_SUPERVISOR, displayName: '演示部门负责人', role: 'supervisor', departmentCode: MARKET_SUPERVISION_DEPT },
];

/** Accounts only a demo history gives something to do: the second supervisor (专项 approval, second lottery entry, review) and the observer. */
const HISTORY_ACCOUNTS: Account[] = [
  { username: DEMO_REVIEWER, displayName: '演示法制审核员', role: 'supervisor', departmentCode: MARKET_SUPERVISION_DEPT },
  ...((ROLES as readonly string[]).includes('observer') ? [{ username: 'demo-observer', displayName: '演示执法监督员', role: 'observer', departmentCode: MARKET_SUPERVISION_DEPT }] : []),
];

/** Creates the account unless its username exists (another instance, or an earlier start, made it). */
async function createMissing(account: Account, credentials: DemoCredential[]): Promise<void> {
  if (await User.exists({ username: account.username })) return;
  const password = generatePassword();
  try {
    await createUser({ ...account, password }, { actor: { kind: 'system', label: 'demo world' } });
  } catch (error) {
    if (error instanceof ValidationError && error.fields?.username === 'username.taken') return; // lost a race: theirs stands
    throw error;
  }
  credentials.push({ username: account.username, role: account.role, password });
}

export interface DemoUsersOptions extends Partial<DemoHistoryOptions> {
  /** Take the inspections forward after returning (default: yes; tests wait for them). */
  background?: boolean;
  /** Where a background failure is reported (default: the log). */
  onError?: (error: unknown) => void;
}

/** Settings of the history from the configuration (time zone, caps), its progress in the log. */
function historyOptions(overrides: DemoUsersOptions): DemoHistoryOptions & Pick<DemoUsersOptions, 'onError'> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  return {
    seed: 'hongjiang-demo-2026', timeZone: config.TIME_ZONE, progress: (message: string) => logger.info(message),
    caps: { perDepartment: config.INSPECTION_CAP_PER_DEPARTMENT, overall: config.INSPECTION_CAP_OVERALL, exemptTypes: config.INSPECTION_CAP_EXEMPT_TYPES },
    statementWorkingDays: config.STATEMENT_WORKING_DAYS,
    onError: (error: unknown) => logger.error({ err: error }, 'demo history stopped; the next start continues it'),
    ...overrides,
  };
}

/**
 * Creates the missing demo accounts and the demo history, resuming whatever an interrupted start
 * left; returns the credentials created now (none on later starts, or in a non-demo database).
 */
export async function createDemoUsersOnce(options: DemoUsersOptions = {}): Promise<DemoCredential[]> {
  const world = await AppMeta.findOne({ key: DEMO_WORLD_MARKER }).lean();
  if ((world?.value as { status?: string } | undefined)?.status !== 'done') return [];
  const credentials: DemoCredential[] = [];
  for (const account of ACCOUNTS) await createMissing(account, credentials);
  const withHistory = await demoHistoryPossible();
  if (withHistory) for (const account of HISTORY_ACCOUNTS) await createMissing(account, credentials);
  const settings = historyOptions(options);
  const history = withHistory ? await prepareDemoHistory(settings).catch((error: unknown) => {
    // In the app the demo history never stops a start: the error is logged and the next start retries.
    if (options.background === false) throw error;
    settings.onError?.(error);
    return null;
  }) : null;
  // The demo inspector is the one the history leaves work for (visits to check in, findings to confirm).
  const focus = history?.focus ?? ((await AppMeta.findOne({ key: WORKFLOW_MARKER }).lean())?.value as { focus?: string } | undefined)?.focus;
  const inspector = focus
    ? await Inspector.findOne({ inspectorId: focus }).lean()
    : await Inspector.findOne({ departmentCode: MARKET_SUPERVISION_DEPT, status: '有效', userId: null }).sort({ inspectorId: 1 }).lean();
  if (inspector && (!inspector.userId || (await User.exists({ _id: inspector.userId, username: 'demo-inspector' })))) {
    await createMissing({ username: 'demo-inspector', displayName: inspector.name, role: 'inspector', departmentCode: inspector.departmentCode, inspectorCode: inspector.inspectorId }, credentials);
  }
  await AppMeta.updateOne({ key: MARKER }, { $set: { value: { status: 'done' } }, $setOnInsert: { key: MARKER } }, { upsert: true });
  if (history && options.background === false) await history.finish();
  else if (history) void history.finish().catch((error: unknown) => settings.onError?.(error));
  return credentials;
}

/** The console block that shows the demo credentials (once, at the start that created them). */
export function formatDemoCredentials(credentials: DemoCredential[]): string {
  const lines = credentials.map((c) => `  ${c.role.padEnd(11)} ${c.username.padEnd(16)} ${c.password}`);
  return ['', 'Demo accounts (shown only this once — the passwords are stored hashed):', ...lines, ''].join('\n') + '\n';
}
