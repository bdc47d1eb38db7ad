// The password hash format, its verification and upgrade path, and the password policy.
import { expect } from 'chai';
import {
  CURRENT_PARAMS, generatePassword, hashPassword, KEY_BYTES, needsRehash, passwordProblem, SALT_BYTES, verifyPassword,
} from '../../../server/auth/password.js';

describe('password hashing (scrypt)', () => {
  it('stores N, r, p, a 16-byte salt and a 64-byte key in a self-describing string', async () => {
    const hash = await hashPassword('correct horse battery');
    const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(hash);
    expect(match, hash).to.not.equal(null);
    expect([Number(match?.[1]), Number(match?.[2]), Number(match?.[3])]).to.deep.equal([15, 8, 1]);
    expect(Buffer.from(match?.[4] as string, 'base64')).to.have.length(SALT_BYTES);
    expect(Buffer.from(match?.[5] as string, 'base64')).to.have.length(KEY_BYTES);
    expect(CURRENT_PARAMS).to.deep.equal({ ln: 15, r: 8, p: 1 });
  });

  it('verifies the right password only, and salts each hash differently', async () => {
    const one = await hashPassword('correct horse battery');
    const two = await hashPassword('correct horse battery');
    expect(one).to.not.equal(two);
    expect(await verifyPassword('correct horse battery', one)).to.equal(true);
    expect(await verifyPassword('correct horse batterY', one)).to.equal(false);
  });

  it('treats canonically equal Unicode spellings as the same password (NFC)', async () => {
    const hash = await hashPassword('caf\u00e9-password');
    expect(await verifyPassword('cafe\u0301-password', hash)).to.equal(true);
  });

  it('verifies hashes made with other parameters, and says they need re-hashing when weaker', async () => {
    const weak = await hashPassword('old password here', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('old password here', weak)).to.equal(true);
    expect(needsRehash(weak)).to.equal(true);
    expect(needsRehash(await hashPassword('new password here'))).to.equal(false);
  });

  it('never matches (nor throws on) malformed or absurd hashes', async () => {
    for (const bad of ['', 'plain', '$scrypt$ln=15,r=8,p=1$$', '$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==']) {
      expect(await verifyPassword('anything at all', bad), bad).to.equal(false);
    }
  });
});

describe('the password policy', () => {
  const cases: [string, string, string | undefined][] = [
    ['short-one', 'zhang', 'password.too_short'],
    ['x'.repeat(201), 'zhang', 'password.too_long'],
    ['Zhang.San.HJ', 'zhang.san.hj', 'password.is_username'],
    ['Password123', 'zhang', 'password.common'],
    ['1qaz2wsx3edc', 'zhang', 'password.common'],
    ['zzzzzzzzzzzz', 'zhang', 'password.common'],
    ['correct horse battery', 'zhang', undefined],
    ['十个汉字的密码足够长了吧', 'zhang', undefined],
  ];
  for (const [password, username, expected] of cases) {
    it(`${JSON.stringify(password.slice(0, 20))} for ${username} → ${expected ?? 'accepted'}`, () => {
      expect(passwordProblem(password, username)).to.equal(expected);
    });
  }
});

describe('generatePassword', () => {
  it('makes passwords that pass the policy, from an alphabet without look-alikes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const password = generatePassword();
      expect(password).to.match(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
      expect(passwordProblem(password, 'someone')).to.equal(undefined);
      seen.add(password);
    }
    expect(seen.size).to.equal(50);
  });
});
