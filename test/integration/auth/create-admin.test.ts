// `npm run create-admin` as a process, non-interactively (flags, environment, stdin), against
// the test run's database: the first administrator, the password policy, clear usage errors.
import { expect } from 'chai';
import { User } from '../../../models/user.js';
import { AuditEvent } from '../../../models/audit-event.js';
import { verifyPassword } from '../../../server/auth/password.js';
import { runScript, type ScriptRun } from '../../helpers/run-script.js';
import { testDatabase } from '../../helpers/test-db.js';


function createAdmin(args: string[], env: Record<string, string>, stdin = ''): Promise<ScriptRun> {
  return runScript('create-admin.ts', args, { LANG: 'C', MONGODB_URI: testDatabase().uri, ...env }, stdin);
}

describe('npm run create-admin', function () {
  this.timeout(60_000);

  it('with flags and the password on stdin, creates an administrator and audits it as the CLI', async () => {
    const run = await createAdmin(['--username', 'Chen.Ming', '--name', '陈明', '--department', 'HJ-SCJG', '--password-stdin'], {}, 'A-long-admin-passphrase\n');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Administrator "chen.ming" created');
    const user = await User.findOne({ username: 'chen.ming' }).lean();
    expect(user).to.include({ role: 'admin', departmentCode: 'HJ-SCJG', displayName: '陈明', active: true, mustChangePassword: false });
    expect(await verifyPassword('A-long-admin-passphrase', user?.passwordHash ?? '')).to.equal(true);
    const event = await AuditEvent.findOne({ action: 'user.create' }).lean();
    expect(event?.actor).to.include({ kind: 'cli', label: 'create-admin' });
  });

  it('from the environment, refuses a password that breaks the policy (exit 1, message names the field)', async () => {
    const run = await createAdmin([], { ADMIN_USERNAME: 'chen', ADMIN_NAME: '陈明', ADMIN_DEPARTMENT: 'HJ-SCJG', ADMIN_PASSWORD: 'password123' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('password: This password is too common');
    expect(await User.countDocuments()).to.equal(0);
  });

  it('refuses an unknown department and a malformed username in one go', async () => {
    const run = await createAdmin(['--username', 'x', '--name', 'X', '--department', 'NOWHERE'], { ADMIN_PASSWORD: 'A-long-admin-passphrase' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('username:').and.include('departmentCode: Choose an existing department');
  });

  it('without a terminal and without a password, exits 2 with the usage', async () => {
    const run = await createAdmin(['--username', 'chen', '--name', '陈明', '--department', 'HJ-SCJG'], {});
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('No password').and.include('Usage: npm run create-admin');
  });
});
