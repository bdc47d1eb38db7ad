// Owns checking the audit chain (server/audit/chain.ts): walks every entry in seq order, a page
// at a time (bounded memory, and the event loop is given back between pages), and reports the
// first broken entry — one whose contents no longer match its hash (changed), a number that is
// missing (deleted) or repeated, an entry that does not link to the one before it (reordered,
// inserted, or rewritten and re-hashed), and entries outside the chain (no valid seq). With a
// head noted earlier it also tells when that entry is gone or different (the newest entries
// removed or rewritten). Used by `npm run verify-audit` and the /audit page.
import type { Translate } from '../errors.js';
import { GENESIS_HASH, headOf, NUMBERED, onCollection, type ChainHead, type RawEntry } from './chain.js';
import { entryHash } from './canonical.js';

export type ChainProblem = 'changed' | 'missing' | 'notLinked' | 'duplicateSeq' | 'badSeq' | 'unchained' | 'headChanged' | 'headMissing';

/** The first broken entry, named so that someone can find it in the database. */
export interface BrokenEntry {
  problem: ChainProblem;
  /** The entry's stored seq (null when it has none that is a number). */
  seq: number | null;
  id: string;
  action: string | null;
  at: Date | null;
  /** missing: the first and last missing numbers; headChanged/headMissing: the noted seq. */
  from?: number;
  to?: number;
}

export interface ChainReport {
  intact: boolean;
  /** Entries walked. */
  checked: number;
  /** The last entry walked (the chain's head when intact). */
  head: ChainHead | null;
  broken?: BrokenEntry;
}

export interface VerifyOptions {
  /** Entries per query (default 1,000). */
  batchSize?: number;
  /** After each page, with the number of entries checked so far. */
  onProgress?: (checked: number) => void;
  /** A head noted earlier (e.g. printed by a previous run): it must still be in the chain, unchanged. */
  expectHead?: { seq: number; hash: string };
}

function named(entry: RawEntry, problem: ChainProblem, extra: Partial<BrokenEntry> = {}): BrokenEntry {
  return {
    problem,
    seq: typeof entry.seq === 'number' ? entry.seq : null,
    id: String(entry._id),
    action: typeof entry.action === 'string' ? entry.action : null,
    at: entry.at instanceof Date ? entry.at : null,
    ...extra,
  };
}

/** What is wrong with `entry` as the next one after (expected − 1, prevHash, lastSeq/lastId), if anything. */
function check(entry: RawEntry, expected: number, prevHash: string, last: { seq: number; id: string } | null): BrokenEntry | undefined {
  const seq = entry.seq as number;
  if (!Number.isSafeInteger(seq)) return named(entry, 'badSeq');
  if (last && seq === last.seq) return named(entry, 'duplicateSeq');
  if (seq > expected) return named(entry, 'missing', { from: expected, to: seq - 1 });
  if (entryHash(entry) !== entry.hash) return named(entry, 'changed');
  if (entry.prevHash !== prevHash) return named(entry, 'notLinked');
  return undefined;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Walks the whole chain; see the module header for what it detects. Changes nothing. */
export async function verifyChain(options: VerifyOptions = {}): Promise<ChainReport> {
  const batchSize = options.batchSize ?? 1000;
  let checked = 0;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let last: { seq: number; id: string } | null = null;
  let head: ChainHead | null = null;
  let noted: RawEntry | undefined;
  for (;;) {
    // From the last seq again ($gte), so that a second entry with that number is seen even
    // across a page boundary; the last entry itself is skipped.
    const filter = last ? { seq: { $gte: last.seq } } : NUMBERED;
    const page: RawEntry[] = await onCollection((c) => c.find(filter, { sort: { seq: 1 }, limit: batchSize + 1 }).toArray());
    const fresh = page.filter((entry) => !last || String(entry._id) !== last.id);
    if (fresh.length === 0) break;
    for (const entry of fresh) {
      const broken = check(entry, expected, prevHash, last);
      if (broken) return { intact: false, checked, head, broken };
      checked += 1;
      expected = (entry.seq as number) + 1;
      prevHash = String(entry.hash);
      last = { seq: entry.seq as number, id: String(entry._id) };
      head = headOf(entry);
      if (options.expectHead && entry.seq === options.expectHead.seq) noted = entry;
    }
    options.onProgress?.(checked);
    await yieldToEventLoop();
  }
  const expectHead = options.expectHead;
  if (expectHead && !noted) {
    // The noted entry is gone: the newest entries were removed (the chain now ends before it).
    const broken: BrokenEntry = { problem: 'headMissing', seq: head?.seq ?? null, id: head?.id ?? '—', action: null, at: head?.at ?? null, from: expectHead.seq };
    return { intact: false, checked, head, broken };
  }
  if (expectHead && noted && noted.hash !== expectHead.hash.toLowerCase()) {
    return { intact: false, checked, head, broken: named(noted, 'headChanged', { from: expectHead.seq }) };
  }
  // Entries outside the chain: no seq, or one that is not a number ≥ 1. On MongoDB the
  // non-sparse {seq, at, _id} index serves this; elsewhere it is one scan.
  const outside = await onCollection((c) => c.findOne({ seq: { $not: { $gte: 1 } } }, { sort: { at: 1, _id: 1 } }));
  if (outside) return { intact: false, checked, head, broken: named(outside, outside.seq === undefined ? 'unchained' : 'badSeq') };
  return { intact: true, checked, head };
}

let running: Promise<ChainReport> | undefined;

/** verifyChain without options, one walk per process at a time: callers arriving meanwhile share its report. */
export function verifyChainShared(): Promise<ChainReport> {
  running ??= verifyChain().finally(() => {
    running = undefined;
  });
  return running;
}

/** The entry named in a sentence: "seq 17 (_id …, user.update, 2026-05-01T08:00:00.000Z)". */
export function entryName(broken: BrokenEntry, t: Translate): string {
  return t('audit.entry', {
    seq: broken.seq === null ? '—' : String(broken.seq),
    id: broken.id,
    action: broken.action ?? '—',
    at: broken.at ? broken.at.toISOString() : '—',
  });
}

/** What is wrong, in the reader's language (catalogue keys audit.problem.*). */
export function describeBroken(broken: BrokenEntry, t: Translate): string {
  return t(`audit.problem.${broken.problem}`, {
    seq: broken.seq === null ? '—' : String(broken.seq),
    from: String(broken.from ?? ''),
    to: String(broken.to ?? ''),
  });
}
