// Owns passwords: hashing with scrypt (node:crypto), verification, the password policy and
// random passwords. Stored hashes describe their own parameters in a PHC-style string,
//   $scrypt$ln=15,r=8,p=1$<salt base64>$<key base64>
// (N = 2^ln), so the cost can be raised later: verifyPassword reads the parameters from the
// hash, and needsRehash tells the login code to re-hash with today's parameters.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 1: ~32 MiB and tens of milliseconds per hash (OWASP's scrypt floor). */
export const CURRENT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const KEY_BYTES = 64;
export const PASSWORD_MIN_LENGTH = 10;
/** Bounds the work a single login can cause. */
export const PASSWORD_MAX_LENGTH = 200;
/** Refuse hashes asking for absurd costs (a tampered row must not stall the server). */
const MAX_LN = 20;

const HASH_PATTERN = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node's default maxmem (32 MiB) is exactly 128·N·r at N=2^15, r=8: allow headroom.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r * params.p };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const match = HASH_PATTERN.exec(stored);
  if (!match) return undefined;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { ln, r, p, salt: Buffer.from(match[4] as string, 'base64'), key: Buffer.from(match[5] as string, 'base64') };
}

/** True when the password matches. A malformed hash never matches (and never throws). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length < 16 || password.length > PASSWORD_MAX_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with weaker parameters than today's. */
export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.ln < params.ln || parsed.r < params.r || parsed.p < params.p || parsed.key.length < KEY_BYTES;
}

// A hash of nothing anyone knows: verifying against it costs the same as a real check, so an
// unknown username answers no faster than a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'));
  await verifyPassword(password, await dummyHash);
}

/** The most common passwords of at least ten characters (leak lists, incl. Chinese ones). */
const COMMON_PASSWORDS = new Set([
  '1234567890', '0123456789', '0987654321', '1111111111', '0000000000', '123456789a', 'a123456789',
  '12345678910', '1234567890a', 'qwertyuiop', 'qwerty1234', 'qwerty123456', '1q2w3e4r5t', '1qaz2wsx3edc',
  'password12', 'password123', 'password1234', 'passw0rd123', 'p@ssw0rd123', 'iloveyou12', 'iloveyou123',
  'admin12345', 'admin123456', 'administrator', 'abc1234567', 'abcd123456', 'abcdefghij', 'woaini1314',
  'woaini520', 'aaaaaaaaaa', '5201314520', '1314520520', 'zxcvbnm123', 'asdfghjkl1', 'changeme123',
  'welcome123', 'letmein123', 'shuangsuiji', 'shuangsuiji1', 'shuangsuiji123',
]);

/** The policy's verdict as an i18n message key, or undefined when the password is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'password.too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'password.too_long';
  const lower = password.toLowerCase();
  if (username && lower === username.toLowerCase()) return 'password.is_username';
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) return 'password.common';
  return undefined;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A random password (no look-alike characters), ~95 bits at the default length. */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET.charAt(randomInt(ALPHABET.length));
  return out;
}
