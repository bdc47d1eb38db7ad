// Typed errors of the draw engine. Every refusal carries a stable `code` (for routes and the
// CLI to map) and, where it concerns one field, the JSON `path` of that field, because a
// supervisor fixing a task needs to know which value to change, not just that one is wrong.

export type DrawErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_DATE'
  | 'INVALID_CREDIT_CODE'
  | 'DUPLICATE_ENTITY'
  | 'DUPLICATE_INSPECTOR'
  | 'DUPLICATE_STRATUM'
  | 'UNKNOWN_STRATUM_ATTRIBUTE'
  | 'INVALID_QUOTA'
  | 'MALFORMED_SEED'
  | 'COMMITMENT_MISMATCH'
  | 'TEAM_SIZE_TOO_SMALL'
  | 'CAPACITY_INSUFFICIENT'
  | 'TEAM_INFEASIBLE'
  | 'RECUSAL_INVALID'
  | 'RECORD_INVALID'
  /** ssj-draw/2: the announcement is malformed or inconsistent (e.g. a round before it). */
  | 'ANNOUNCEMENT_INVALID'
  /** ssj-draw/2: what was drawn is not what was announced (pool, roster, parameters, figures). */
  | 'NOT_AS_ANNOUNCED'
  /** ssj-draw/2: a declared source's value does not verify (bad drand signature, malformed lottery result). */
  | 'SOURCE_INVALID'
  /** ssj-draw/2: a declared source has no value yet (the draw must wait). */
  | 'SOURCE_PENDING';

export class DrawError extends Error {
  override readonly name: string = 'DrawError';
  readonly code: DrawErrorCode;
  readonly path: string | undefined;

  constructor(code: DrawErrorCode, message: string, path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.code = code;
    this.path = path;
  }
}

/**
 * Why an inspector could not be drawn for an entity. An inspector failing several checks is
 * counted once, under the first failing check in this order (the order of DRAW-SPEC.md §7.1).
 */
export const EXCLUSION_REASONS = [
  'inactiveStatus',
  'noValidCertificate',
  'department',
  'qualification',
  'conflict',
  'recused',
  'onTeam',
  'loadLimit',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
export type ExclusionCounts = Record<ExclusionReason, number>;

const REASON_WORDS: Record<ExclusionReason, string> = {
  inactiveStatus: 'status 失效',
  noValidCertificate: 'no certificate valid on the inspection date',
  department: 'department not allowed',
  qualification: 'missing qualification',
  conflict: 'conflict of interest',
  recused: 'earlier recusal',
  onTeam: 'already on the team',
  loadLimit: 'load limit',
};

export function describeReason(reason: ExclusionReason): string {
  return REASON_WORDS[reason];
}

export function emptyExclusionCounts(): ExclusionCounts {
  return {
    inactiveStatus: 0, noValidCertificate: 0, department: 0, qualification: 0,
    conflict: 0, recused: 0, onTeam: 0, loadLimit: 0,
  };
}

/**
 * Not enough eligible inspectors for one entity. Names the entity and the binding constraint
 * (the reason that excluded the most inspectors; ties go to the earlier reason in the list)
 * so the operator knows whether to extend certificates, add departments or raise the limit.
 */
export class TeamInfeasibleError extends DrawError {
  override readonly name = 'TeamInfeasibleError';
  readonly creditCode: string;
  readonly eligible: number;
  readonly needed: number;
  readonly excluded: ExclusionCounts;
  readonly binding: ExclusionReason | null;

  constructor(creditCode: string, eligible: number, needed: number, excluded: ExclusionCounts) {
    const parts = EXCLUSION_REASONS.filter((r) => excluded[r] > 0)
      .map((r) => `${excluded[r]} by ${describeReason(r)}`);
    let binding: ExclusionReason | null = null;
    for (const r of EXCLUSION_REASONS) {
      if (excluded[r] > 0 && (binding === null || excluded[r] > excluded[binding])) binding = r;
    }
    const noun = eligible === 1 ? 'inspector' : 'inspectors';
    super(
      'TEAM_INFEASIBLE',
      `${creditCode}: only ${eligible} ${noun} eligible, ${needed} needed` +
        (parts.length > 0 ? `; excluded ${parts.join(', ')}` : '; the roster is too small') +
        (binding ? `; binding constraint: ${describeReason(binding)}` : ''),
    );
    this.creditCode = creditCode;
    this.eligible = eligible;
    this.needed = needed;
    this.excluded = excluded;
    this.binding = binding;
  }
}
