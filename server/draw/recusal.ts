// 回避 after the draw: an assigned inspector declares a conflict with an entity; the
// replacement is drawn from its own stream "recusal/<creditCode>/<n>" among inspectors still
// eligible and not on the team, and both facts go into the record (DRAW-SPEC.md §8).
// Replaying the recusals in order reproduces every replacement, so verify() checks them too.
import { DrawError, TeamInfeasibleError } from './errors.js';
import { nobleSha256, type EngineOptions } from './hash.js';
import { isCreditCodeFormat } from './pool-order.js';
import { buildRoster, conflictsOf, explainExclusions, validateAssignment } from './roster.js';
import { resolveSeed, streamSeed } from './seed.js';
import { openStream } from './stream.js';
import { textProblem } from './text.js';
import { SPEC_VERSION_2, type DrawRecord, type RecusalRecord, type RecusalRequest } from './types.js';

/** Each assigned entity's team as it stands after the recorded recusals, in slot order. */
export function currentTeams(record: DrawRecord): Map<string, string[]> {
  const teams = new Map<string, string[]>();
  for (const t of record.assignment?.teams ?? []) teams.set(t.creditCode, [...t.inspectors]);
  for (const r of record.recusals) {
    const team = teams.get(r.creditCode);
    const slot = team ? team.indexOf(r.inspectorId) : -1;
    if (!team || slot < 0) throw new DrawError('RECORD_INVALID', `recusal ${r.seq} does not match a team`, `recusals[${r.seq - 1}]`);
    team[slot] = r.replacement;
  }
  return teams;
}

function validateRequest(request: RecusalRequest): void {
  if (typeof request !== 'object' || request === null) throw new DrawError('RECUSAL_INVALID', 'a recusal names the entity, the inspector and the reason');
  if (!isCreditCodeFormat(request.creditCode)) throw new DrawError('RECUSAL_INVALID', 'not a 统一社会信用代码', 'creditCode');
  if (typeof request.inspectorId !== 'string' || request.inspectorId === '') throw new DrawError('RECUSAL_INVALID', 'the inspector id is required', 'inspectorId');
  if (typeof request.reason !== 'string' || request.reason.trim() === '' || textProblem(request.reason, 500) !== null) {
    throw new DrawError('RECUSAL_INVALID', 'state the reason for the recusal (1 to 500 characters)', 'reason');
  }
}

/** Records a recusal and draws its replacement; returns a new record (the old one is untouched). */
export function recuse(record: DrawRecord, request: RecusalRequest, options: EngineOptions = {}): DrawRecord {
  const sha = options.sha256 ?? nobleSha256;
  validateRequest(request);
  const input = record.input;
  if (!record.assignment || !input.assignment) throw new DrawError('RECUSAL_INVALID', 'the record has no inspector teams yet');
  const a = validateAssignment(input.assignment);
  const { creditCode, inspectorId, reason } = request;
  const teams = currentTeams(record);
  const team = teams.get(creditCode);
  if (!team) throw new DrawError('RECUSAL_INVALID', `${creditCode} has no team in this draw`, 'creditCode');
  const slot = team.indexOf(inspectorId);
  if (slot < 0) throw new DrawError('RECUSAL_INVALID', `${inspectorId} is not on the team of ${creditCode}`, 'inspectorId');

  const roster = buildRoster(a, input.inspectionDate);
  const position = new Map(roster.inspectors.map((ins, p) => [ins.id, p]));
  const load = new Int32Array(roster.inspectors.length);
  for (const members of teams.values()) for (const id of members) load[position.get(id)!]! += 1;
  load[position.get(inspectorId)!]! -= 1;
  const recused = new Set(record.recusals.filter((r) => r.creditCode === creditCode).map((r) => position.get(r.inspectorId)!));
  recused.add(position.get(inspectorId)!);
  const onTeam = new Set(team.filter((id) => id !== inspectorId).map((id) => position.get(id)!));
  const entity = input.pool.find((e) => e.creditCode === creditCode);
  if (!entity) throw new DrawError('RECORD_INVALID', `${creditCode} is not in the pool`, 'creditCode');

  const blocked = new Set(conflictsOf(roster, entity));
  const candidates: number[] = [];
  roster.inspectors.forEach((_, p) => {
    if (roster.staticReason[p] === null && !blocked.has(p) && !recused.has(p) && !onTeam.has(p) && load[p]! < a.maxAssignmentsPerInspector) candidates.push(p);
  });
  if (candidates.length === 0) {
    const { eligible, excluded } = explainExclusions(roster, entity, load, a.maxAssignmentsPerInspector, recused, onTeam);
    throw new TeamInfeasibleError(creditCode, eligible, 1, excluded);
  }
  const n = record.recusals.filter((r) => r.creditCode === creditCode).length + 1;
  // ssj-draw/2 keys every stream by the announcement digest instead of the task id (§14.6).
  const v2 = record.spec === SPEC_VERSION_2;
  const key = resolveSeed(v2 ? record.announcementDigest! : input.taskId, a.seed ?? input.seed, 'inspectors', sha, 'seed', record.spec).derivedKey;
  const stream = openStream(streamSeed(key, `recusal/${creditCode}/${n}`, sha));
  const replacement = roster.inspectors[candidates[stream.below(candidates.length)]!]!.id;
  const entry: RecusalRecord = { seq: record.recusals.length + 1, creditCode, inspectorId, reason, n, replacement };
  return { ...record, recusals: [...record.recusals, entry] };
}
