// Demo accounts: only in a database holding the demo world, only once, random passwords that
// work and are returned for the console — never stored in clear.
import { expect } from 'chai';
import { AppMeta, Inspector } from '../../../models/index.js';
import { User } from '../../../models/user.js';
import { verifyPassword } from '../../../server/auth/password.js';
import { createDemoUsersOnce, formatDemoCredentials } from '../../../server/demo/demo-users.js';
import { createInspector } from '../../helpers/factories.js';
import { ensureDepartment } from '../../helpers/auth.js';

describe('demo users', () => {
  it('are not created in a database without the demo world', async () => {
    await ensureDepartment('HJ-SCJG');
    expect(await createDemoUsersOnce()).to.deep.equal([]);
    expect(await User.countDocuments()).to.equal(0);
  });

  it('are created once per demo database, one per role, with working random passwords', async () => {
    await ensureDepartment('HJ-SCJG');
    await AppMeta.create({ key: 'demo-world', value: { status: 'done' } });
    const record = await createInspector({ departmentCode: 'HJ-SCJG' });
    const credentials = await createDemoUsersOnce();
    expect(credentials.map((c) => c.role)).to.deep.equal(['admin', 'supervisor', 'inspector']);
    for (const credential of credentials) {
      const user = await User.findOne({ username: credential.username }).lean();
      expect(await verifyPassword(credential.password, user?.passwordHash ?? ''), credential.username).to.equal(true);
      expect(user?.passwordHash).to.not.include(credential.password);
    }
    expect(String((await Inspector.findById(record._id).lean())?.userId)).to.equal(String((await User.findOne({ username: 'demo-inspector' }).lean())?._id));
    expect(await createDemoUsersOnce()).to.deep.equal([]);
    expect(await User.countDocuments()).to.equal(3);
    const printed = formatDemoCredentials(credentials);
    for (const credential of credentials) expect(printed).to.include(credential.username).and.include(credential.password);
  });
});
