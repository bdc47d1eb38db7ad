// The one rule for redirects taken from user input: local paths only.
import { expect } from 'chai';
import { safeLocalPath } from '../../../server/auth/safe-redirect.js';

describe('safeLocalPath (returnTo after login)', () => {
  const kept: [string, string][] = [
    ['/', '/'],
    ['/admin/users', '/admin/users'],
    ['/admin/users?page=2&q=li', '/admin/users?page=2&q=li'],
    ['/admin/users#top', '/admin/users'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ];
  for (const [input, output] of kept) {
    it(`keeps the local path ${input}`, () => expect(safeLocalPath(input)).to.equal(output));
  }

  const refused = [
    '//evil.example', '//evil.example/path', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'http:/evil.example',
    'javascript:alert(1)', 'evil.example', '/\t/evil.example', '/\n/evil.example', '/ok\u0000', '', '/login', '/login?returnTo=/x',
    `/${'a'.repeat(2001)}`,
  ];
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => expect(safeLocalPath(input, '/home')).to.equal('/home'));
  }

  it('refuses non-strings (e.g. repeated query parameters)', () => {
    expect(safeLocalPath(['/a', '/b'])).to.equal('/');
    expect(safeLocalPath(undefined)).to.equal('/');
  });
});
