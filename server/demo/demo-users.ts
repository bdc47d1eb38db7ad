// Owns the demo accounts: one per role, created only in demo mode, only in a database holding
// the demo world, and only once (claimed by inserting a marker under a unique key). Their
// random passwords are returned to the caller to print once on the console; they are never
// stored in clear and never shown in a page.
import { AppMeta, Inspector } from '../../models/index.js';
import { User } from '../../models/user.js';
import { isDuplicateKeyError } from '../errors.js';
import { generatePassword } from '../auth/password.js';
import { createUser } from '../auth/users.js';
import { MARKET_SUPERVISION_DEPT } from '../catalog/defaults.js';

const MARKER = 'demo-users';
const DEMO_WORLD_MARKER = 'demo-world';

export interface DemoCredential {
  username: string;
  role: string;
  password: string;
}

/** Creates the demo users the first time; later calls (and non-demo databases) return []. */
export async function createDemoUsersOnce(): Promise<DemoCredential[]> {
  const world = await AppMeta.findOne({ key: DEMO_WORLD_MARKER }).lean();
  if ((world?.value as { status?: string } | undefined)?.status !== 'done') return [];
  try {
    await AppMeta.create({ key: MARKER, value: { createdAt: new Date() } });
  } catch (error) {
    if (isDuplicateKeyError(error)) return [];
    throw error;
  }
  const inspector = await Inspector.findOne({ departmentCode: MARKET_SUPERVISION_DEPT, status: '有效', userId: null }).sort({ inspectorId: 1 }).lean();
  const accounts = [
    { username: 'demo-admin', displayName: '演示管理员', role: 'admin', departmentCode: MARKET_SUPERVISION_DEPT },
    { username: 'demo-supervisor', displayName: '演示部门负责人', role: 'supervisor', departmentCode: MARKET_SUPERVISION_DEPT },
    ...(inspector ? [{ username: 'demo-inspector', displayName: inspector.name, role: 'inspector', departmentCode: inspector.departmentCode, inspectorCode: inspector.inspectorId }] : []),
  ];
  const credentials: DemoCredential[] = [];
  try {
    for (const account of accounts) {
      const password = generatePassword();
      if (await User.exists({ username: account.username })) continue; // left by an interrupted run
      await createUser({ ...account, password }, { actor: { kind: 'system', label: 'demo world' } });
      credentials.push({ username: account.username, role: account.role, password });
    }
  } catch (error) {
    // Release the claim so that the next start finishes the job.
    await AppMeta.deleteOne({ key: MARKER });
    throw error;
  }
  return credentials;
}

/** The console block that shows the demo credentials (once, at the start that created them). */
export function formatDemoCredentials(credentials: DemoCredential[]): string {
  const lines = credentials.map((c) => `  ${c.role.padEnd(11)} ${c.username.padEnd(16)} ${c.password}`);
  return ['', 'Demo accounts (shown only this once — the passwords are stored hashed):', ...lines, ''].join('\n') + '\n';
}
