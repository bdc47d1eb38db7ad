// Commit–reveal of a server secret (DRAW-SPEC.md §3.2, §14.3): the commitment is published in
// the announcement, the secret is revealed at the draw. It is only ever an addition to a
// public source: alone, its holder could pick the secret that gives the outcome they want.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const REVEAL = /^(?:[0-9a-f]{2}){16,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** A secret as the spec writes it: 16–64 random bytes in lower-case hex (the caller supplies the bytes). */
export function secretHex(bytes: Uint8Array): string {
  if (bytes.length < 16 || bytes.length > 64) throw new RangeError('a secret is 16 to 64 bytes');
  return bytesToHex(bytes);
}

/** hex(SHA-256(bytes of the secret)), hashing the decoded bytes, not the hex text. */
export function commitmentOf(reveal: string): string {
  if (!REVEAL.test(reveal)) throw new RangeError('the secret is 32 to 128 lower-case hex characters');
  const bytes = new Uint8Array(reveal.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(reveal.slice(2 * i, 2 * i + 2), 16);
  return bytesToHex(sha256(bytes));
}

export type RevealCheck = { ok: true } | { ok: false; reason: string };

/** Checks a revealed secret against the commitment published before the draw. */
export function checkReveal(commitment: unknown, reveal: unknown): RevealCheck {
  if (typeof commitment !== 'string' || !HEX64.test(commitment)) return { ok: false, reason: 'the commitment is 64 lower-case hex characters' };
  if (typeof reveal !== 'string' || !REVEAL.test(reveal)) return { ok: false, reason: 'the secret is 32 to 128 lower-case hex characters' };
  const actual = commitmentOf(reveal);
  return actual === commitment ? { ok: true } : { ok: false, reason: `SHA-256 of the revealed secret is ${actual}, the published commitment is ${commitment}` };
}
