// Entity selection: per stratum, an unbiased sample without replacement followed by ordered
// alternates, from the stratum's own stream "entities/<id>" (DRAW-SPEC.md §6.3). Separate
// streams mean a change to one stratum's quota or membership never moves another's picks.
import type { Sha256Factory } from './hash.js';
import { quotaFor } from './quota.js';
import { streamSeed } from './seed.js';
import type { Classification } from './strata.js';
import { openStream, partialShuffle, type Stream } from './stream.js';
import type { EntityInput, StratumInput, StratumResult } from './types.js';

export interface Selection {
  results: StratumResult[];
  /** Canonical positions of the selected entities (not alternates), stratum by stratum. */
  selected: Uint32Array;
  /** Stratum index of each entry of `selected`. */
  selectedStratum: Uint16Array;
}

/**
 * Shuffles each stratum's members in place (cls.members) and reads off the picks. `open`
 * exists for the benchmark, which runs this same code with a biased integer source.
 * `withCap` adds the ssj-draw/2 count `excludedAtCap` to each stratum's result.
 */
export function selectStrata(
  pool: EntityInput[], order: Uint32Array, strata: StratumInput[], cls: Classification, derivedKey: string, sha: Sha256Factory,
  open: (seedHex: string) => Stream = openStream, withCap = false,
): Selection {
  const quotas = strata.map((stratum, s) => quotaFor(stratum.quota, cls.counts[s]!.drawable));
  const total = quotas.reduce((t, q, s) => t + Math.min(q, cls.counts[s]!.drawable), 0);
  const selected = new Uint32Array(total);
  const selectedStratum = new Uint16Array(total);
  let filled = 0;
  const codeAt = (p: number): string => pool[order[p]!]!.creditCode;
  const results = strata.map((stratum, s): StratumResult => {
    const counts = cls.counts[s]!;
    const n = counts.drawable;
    const quota = quotas[s]!;
    const k = Math.min(quota, n);
    const alternates = Math.min(stratum.alternates ?? 0, n - k);
    // Only this stratum's members are shuffled, in canonical order to start with.
    const members = cls.members.subarray(cls.offsets[s]!, cls.offsets[s + 1]!);
    if (k + alternates > 0) partialShuffle(members, k + alternates, open(streamSeed(derivedKey, `entities/${stratum.id}`, sha)));
    const picks: string[] = [];
    for (let i = 0; i < k; i += 1) {
      picks.push(codeAt(members[i]!));
      selected[filled] = members[i]!;
      selectedStratum[filled] = s;
      filled += 1;
    }
    const alt: string[] = [];
    for (let i = k; i < k + alternates; i += 1) alt.push(codeAt(members[i]!));
    const { matched, excludedInactive, excludedRecent, excludedAtCap, drawable } = counts;
    return withCap
      ? { id: stratum.id, matched, excludedInactive, excludedRecent, excludedAtCap, drawable, quota, capped: quota > n, selected: picks, alternates: alt }
      : { id: stratum.id, matched, excludedInactive, excludedRecent, drawable, quota, capped: quota > n, selected: picks, alternates: alt };
  });
  return { results, selected, selectedStratum };
}
