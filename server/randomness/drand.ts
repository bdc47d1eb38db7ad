// drand quicknet as a declared random source (DRAW-SPEC.md §14.3): which round a scheduled
// time names, and the check that a round's signature is the League of Entropy's BLS signature
// of that round number. Pure: no network (drand-relay.ts fetches), no clock. The chain's
// public key is fixed here, never taken from a record or a relay: whoever could choose the
// key could sign any value they like.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface DrandChain {
  name: string;
  /** Chain hash: identifies the chain on every relay (/{hash}/public/{round}). */
  hash: string;
  /** Group public key, a compressed G2 point (96 bytes, hex). */
  publicKey: string;
  /** Unix time (s) of round 1. */
  genesis: number;
  /** Seconds between rounds. */
  period: number;
  scheme: 'bls-unchained-g1-rfc9380';
}

/**
 * League of Entropy mainnet "quicknet" (unchained, signatures on G1, RFC 9380 hash to curve),
 * as published by drand: https://api.drand.sh/52db…e971/info, quoted in drand's own
 * announcement (drand/website, docs/blog/2023-10-16-quicknet-is-live.md).
 */
export const QUICKNET: DrandChain = Object.freeze({
  name: 'quicknet',
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  publicKey: '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  genesis: 1692803367,
  period: 3,
  scheme: 'bls-unchained-g1-rfc9380',
});

/** The chains a declared source may name, by chain hash. */
export const DRAND_CHAINS: ReadonlyMap<string, DrandChain> = new Map([[QUICKNET.hash, QUICKNET]]);

/** RFC 9380 domain separation tag of BLS signatures on G1 (drand's bls-unchained-g1-rfc9380). */
const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const SIGNATURE = /^[0-9a-f]{96}$/;
/** Rounds are uint64 on the wire; staying below 2^53 keeps them exact JSON numbers. */
const MAX_ROUND = Number.MAX_SAFE_INTEGER;

/** Unix time (s) at which `round` is published. */
export function drandRoundTime(chain: DrandChain, round: number): number {
  return chain.genesis + (round - 1) * chain.period;
}

/**
 * The first round published at or after unix time `t` (s): ⌈(t − genesis) / period⌉ + 1, and
 * round 1 for any time up to genesis. This is the round an announcement names for a draw
 * scheduled at t: its value cannot exist before t.
 */
export function drandRoundAt(chain: DrandChain, t: number): number {
  if (!Number.isSafeInteger(t)) throw new RangeError('a time in whole seconds');
  if (t <= chain.genesis) return 1;
  return Math.ceil((t - chain.genesis) / chain.period) + 1;
}

/** randomness = SHA-256(signature bytes), as drand defines it. */
export function drandRandomness(signatureHex: string): string {
  return bytesToHex(sha256(hexToBytes(signatureHex)));
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The signed message of an unchained round: SHA-256 of the round as a big-endian uint64. */
function roundMessage(round: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(round));
  return sha256(bytes);
}

export type BeaconCheck = { ok: true; round: number; signature: string; randomness: string } | { ok: false; reason: string };

/**
 * Verifies that `signature` (hex, 48-byte compressed G1 point) is the chain's signature of
 * `round`, and returns the round's randomness. A relay's `randomness` field, if given, must
 * equal SHA-256 of the signature. Never throws on malformed input.
 */
export function verifyDrandBeacon(chain: DrandChain, round: unknown, signature: unknown, claimedRandomness?: unknown): BeaconCheck {
  if (!Number.isSafeInteger(round) || (round as number) < 1 || (round as number) > MAX_ROUND) return { ok: false, reason: `not a round number: ${JSON.stringify(round)}` };
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return { ok: false, reason: 'the signature is 96 lower-case hex characters (a compressed G1 point)' };
  let valid: boolean;
  try {
    const sigs = bls12_381.shortSignatures;
    valid = sigs.verify(hexToBytes(signature), sigs.hash(roundMessage(round as number), DST), hexToBytes(chain.publicKey));
  } catch (e) {
    return { ok: false, reason: `the signature is not a point of the curve (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!valid) return { ok: false, reason: `the signature is not ${chain.name}'s signature of round ${round as number}` };
  const randomness = drandRandomness(signature);
  if (claimedRandomness !== undefined && claimedRandomness !== randomness) return { ok: false, reason: 'the randomness is not SHA-256 of the signature' };
  return { ok: true, round: round as number, signature, randomness };
}
