// Fetching a drand round from HTTP relays (GET {relay}/{chain hash}/public/{round}), each
// answer BLS-verified before it is believed. Relays are configurable and the network is
// injected (`fetch`), so tests serve recorded rounds from a local fake relay. A relay that
// serves a wrong signature is reported but does not block the round if another relay serves
// the right one: a valid signature cannot be forged, so whichever relay delivers it is fine.
import { drandRoundTime, QUICKNET, verifyDrandBeacon, type DrandChain } from './drand.js';

export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<FetchResponseLike>;

export interface RelayOptions {
  /** Base URLs, tried in order, e.g. https://api.drand.sh (configuration, not code). */
  relays: readonly string[];
  chain?: DrandChain;
  fetch?: FetchLike;
  /** Per relay. */
  timeoutMs?: number;
  /** Unix time (s): before the round's publication time no relay is asked. */
  now?: number;
}

export interface RelayAttempt {
  relay: string;
  outcome: 'verified' | 'not-yet' | 'invalid' | 'unreachable';
  detail: string;
}

export type RelayResult =
  | { state: 'verified'; round: number; signature: string; randomness: string; relay: string; attempts: RelayAttempt[] }
  /** The round is not published yet (or no relay has it yet): try again later. */
  | { state: 'waiting'; round: number; attempts: RelayAttempt[]; reason: string }
  /** Relays answered, but nothing they served verifies (bad signature, wrong round…). */
  | { state: 'invalid'; round: number; attempts: RelayAttempt[]; reason: string }
  /** No relay could be reached. */
  | { state: 'unreachable'; round: number; attempts: RelayAttempt[]; reason: string };

async function askRelay(relay: string, chain: DrandChain, round: number, fetchFn: FetchLike, timeoutMs: number): Promise<RelayAttempt & { beacon?: { signature: string; randomness: string } }> {
  const url = `${relay.replace(/\/+$/, '')}/${chain.hash}/public/${round}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    const body = await res.text();
    // drand relays answer 425 Too Early (older ones 404) for a round that does not exist yet.
    if (res.status === 425 || res.status === 404) return { relay, outcome: 'not-yet', detail: `HTTP ${res.status}` };
    if (res.status !== 200) return { relay, outcome: 'unreachable', detail: `HTTP ${res.status}` };
    let json: { round?: unknown; signature?: unknown; randomness?: unknown };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      return { relay, outcome: 'invalid', detail: 'the answer is not JSON' };
    }
    if (json.round !== round) return { relay, outcome: 'invalid', detail: `asked for round ${round}, got ${JSON.stringify(json.round)}` };
    const check = verifyDrandBeacon(chain, round, json.signature, json.randomness);
    if (!check.ok) return { relay, outcome: 'invalid', detail: check.reason };
    return { relay, outcome: 'verified', detail: 'signature verified', beacon: { signature: check.signature, randomness: check.randomness } };
  } catch (e) {
    return { relay, outcome: 'unreachable', detail: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches and verifies one round, asking the relays in order until one serves a valid round. */
export async function fetchDrandRound(round: number, options: RelayOptions): Promise<RelayResult> {
  const chain = options.chain ?? QUICKNET;
  const fetchFn = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (options.relays.length === 0) return { state: 'unreachable', round, attempts: [], reason: 'no drand relay is configured' };
  if (options.now !== undefined && options.now < drandRoundTime(chain, round)) {
    return { state: 'waiting', round, attempts: [], reason: `round ${round} is published at ${new Date(drandRoundTime(chain, round) * 1000).toISOString()}` };
  }
  const attempts: RelayAttempt[] = [];
  for (const relay of options.relays) {
    const { beacon, ...attempt } = await askRelay(relay, chain, round, fetchFn, timeoutMs);
    attempts.push(attempt);
    if (beacon) return { state: 'verified', round, ...beacon, relay, attempts };
  }
  const invalid = attempts.filter((a) => a.outcome === 'invalid');
  if (invalid.length > 0) {
    return { state: 'invalid', round, attempts, reason: `no relay served a valid round ${round}: ${invalid.map((a) => `${a.relay}: ${a.detail}`).join('; ')}` };
  }
  if (attempts.some((a) => a.outcome === 'not-yet')) return { state: 'waiting', round, attempts, reason: `round ${round} is not published yet` };
  return { state: 'unreachable', round, attempts, reason: `no drand relay answered: ${attempts.map((a) => `${a.relay}: ${a.detail}`).join('; ')}` };
}
