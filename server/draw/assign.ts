// Inspector assignment (随机选派执法检查人员): every selected entity gets `teamSize` inspectors
// drawn uniformly among those eligible for it at that moment (DRAW-SPEC.md §7). Entities are
// processed in a shuffled order, not credit-code order: with a load limit the last entities
// get the leftovers, and credit codes encode the region, so a fixed order would hand whole
// districts the same few inspectors. Each entity draws from its own stream.
import { DrawError, TeamInfeasibleError } from './errors.js';
import type { Sha256Factory } from './hash.js';
import { conflictsOf, explainExclusions, type Roster } from './roster.js';
import { streamSeed } from './seed.js';
import { openStream, partialShuffle, type Stream } from './stream.js';
import type { AssignmentInput, EntityInput, TeamRecord } from './types.js';

/**
 * Draws `size` members of list[0 … len) by partial Fisher–Yates and restores the list
 * afterwards, which gives exactly the picks of a shuffle on a copy without copying.
 */
export function drawMembers(list: Int32Array, len: number, size: number, stream: Stream): number[] {
  const swaps: number[] = [];
  const team: number[] = [];
  for (let t = 0; t < size; t += 1) {
    const j = t + stream.below(len - t);
    const x = list[t]!;
    list[t] = list[j]!;
    list[j] = x;
    swaps.push(j);
    team.push(list[t]!);
  }
  for (let t = size - 1; t >= 0; t -= 1) {
    const j = swaps[t]!;
    const x = list[t]!;
    list[t] = list[j]!;
    list[j] = x;
  }
  return team;
}

export interface AssignContext {
  roster: Roster;
  assignment: AssignmentInput;
  pool: EntityInput[];
  order: Uint32Array;
  derivedKey: string;
  sha: Sha256Factory;
}

export function assignTeams(ctx: AssignContext, selected: Uint32Array, stratumIdOf: (i: number) => string): TeamRecord[] {
  const { roster, assignment, pool, order, derivedKey, sha } = ctx;
  const T = assignment.teamSize;
  const maxLoad = assignment.maxAssignmentsPerInspector;
  const available = new Int32Array(roster.inspectors.length);
  let aLen = 0;
  roster.staticReason.forEach((reason, p) => { if (reason === null) available[aLen++] = p; });
  if (aLen * maxLoad < T * selected.length) {
    throw new DrawError('CAPACITY_INSUFFICIENT',
      `${selected.length} entities × ${T} inspectors need ${T * selected.length} assignments; ` +
      `${aLen} eligible inspectors × ${maxLoad} allow ${aLen * maxLoad}`, 'assignment');
  }
  // Processing order: canonical positions ascending, then shuffled by "assignment/order".
  const index = new Uint32Array(selected.length);
  for (let i = 0; i < index.length; i += 1) index[i] = i;
  index.sort((x, y) => selected[x]! - selected[y]!);
  partialShuffle(index, index.length, openStream(streamSeed(derivedKey, 'assignment/order', sha)));

  const load = new Int32Array(roster.inspectors.length);
  const teams: TeamRecord[] = [];
  for (const i of index) {
    const entity = pool[order[selected[i]!]!]!;
    const conflicts = conflictsOf(roster, entity);
    let list = available;
    let len = aLen;
    if (conflicts.length > 0) {
      const blocked = new Set(conflicts);
      list = available.subarray(0, aLen).filter((p) => !blocked.has(p));
      len = list.length;
    }
    if (len < T) {
      const { eligible, excluded } = explainExclusions(roster, entity, load, maxLoad);
      throw new TeamInfeasibleError(entity.creditCode, eligible, T, excluded);
    }
    const team = drawMembers(list, len, T, openStream(streamSeed(derivedKey, `inspectors/${entity.creditCode}`, sha)));
    for (const p of team) {
      load[p]! += 1;
      if (load[p] === maxLoad) {
        // Leaves the available list; the rest keep their canonical order.
        const at = available.subarray(0, aLen).indexOf(p);
        available.copyWithin(at, at + 1, aLen);
        aLen -= 1;
      }
    }
    teams.push({ creditCode: entity.creditCode, stratumId: stratumIdOf(i), inspectors: team.map((p) => roster.inspectors[p]!.id) });
  }
  return teams;
}
