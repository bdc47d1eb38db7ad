// The inspector roster as the draw sees it: validation, canonical order (by id, UTF-8 byte
// order), the per-inspector checks that do not depend on the entity (status, certificate on
// the inspection date, department, qualifications) and an index of declared conflicts
// (DRAW-SPEC.md §7.1). Entity-dependent checks (conflicts, load) happen per entity in
// assign.ts and recusal.ts, which share explainExclusions() for precise infeasibility errors.
import { expectIsoDate } from './dates.js';
import { DrawError, emptyExclusionCounts, type ExclusionCounts, type ExclusionReason } from './errors.js';
import { compareUtf8 } from './hash.js';
import { isCreditCodeFormat } from './pool-order.js';
import { textProblem } from './text.js';
import type { AssignmentInput, EntityInput, InspectorInput } from './types.js';

const ADDRESS_KEY = /^[\u0021-\u007e]{1,128}$/;

export interface Roster {
  /** Inspectors in canonical order. */
  inspectors: InspectorInput[];
  /** Per canonical position: the entity-independent reason it can never be drawn, or null. */
  staticReason: Array<ExclusionReason | null>;
  /** Credit code → canonical positions of inspectors in conflict with it (declared or related). */
  conflictsByCode: Map<string, number[]>;
  /** Address key → canonical positions of inspectors registered there. */
  byAddress: Map<string, number[]>;
}

function expectText(value: unknown, path: string): string {
  if (typeof value !== 'string' || textProblem(value, 64, 1) !== null) throw new DrawError('INVALID_INPUT', '1 to 64 characters without control characters', path);
  return value;
}

function expectTextList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new DrawError('INVALID_INPUT', 'must be an array', path);
  value.forEach((v, i) => expectText(v, `${path}[${i}]`));
  return value as string[];
}

function expectCodes(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DrawError('INVALID_INPUT', 'must be an array of credit codes', path);
  value.forEach((v, i) => {
    if (!isCreditCodeFormat(v)) throw new DrawError('INVALID_CREDIT_CODE', `not a 统一社会信用代码: ${JSON.stringify(v)}`, `${path}[${i}]`);
  });
  return value as string[];
}

export function validateAssignment(a: unknown, path = 'assignment'): AssignmentInput {
  if (typeof a !== 'object' || a === null) throw new DrawError('INVALID_INPUT', 'must be an object', path);
  const x = a as AssignmentInput;
  if (!Number.isSafeInteger(x.teamSize) || x.teamSize < 2) {
    throw new DrawError('TEAM_SIZE_TOO_SMALL', `a team has at least 2 inspectors (行政处罚法 Art. 42), got ${JSON.stringify(x.teamSize)}`, `${path}.teamSize`);
  }
  if (!Number.isSafeInteger(x.maxAssignmentsPerInspector) || x.maxAssignmentsPerInspector < 1) {
    throw new DrawError('INVALID_INPUT', 'a positive integer', `${path}.maxAssignmentsPerInspector`);
  }
  expectTextList(x.requiredQualifications, `${path}.requiredQualifications`);
  expectTextList(x.allowedDepartments, `${path}.allowedDepartments`);
  if (x.allowedDepartments.length === 0) throw new DrawError('INVALID_INPUT', 'name at least one department', `${path}.allowedDepartments`);
  if (!Array.isArray(x.inspectors)) throw new DrawError('INVALID_INPUT', 'must be an array', `${path}.inspectors`);
  x.inspectors.forEach((ins, i) => validateInspector(ins, `${path}.inspectors[${i}]`));
  return x;
}

function validateInspector(ins: unknown, path: string): void {
  if (typeof ins !== 'object' || ins === null) throw new DrawError('INVALID_INPUT', 'an inspector is an object', path);
  const x = ins as InspectorInput;
  expectText(x.id, `${path}.id`);
  expectText(x.department, `${path}.department`);
  if (x.status !== '有效' && x.status !== '失效') throw new DrawError('INVALID_INPUT', 'status is 有效 or 失效', `${path}.status`);
  if (!Array.isArray(x.certificates)) throw new DrawError('INVALID_INPUT', 'must be an array', `${path}.certificates`);
  x.certificates.forEach((c, k) => {
    const cp = `${path}.certificates[${k}]`;
    if (typeof c !== 'object' || c === null) throw new DrawError('INVALID_INPUT', 'a certificate is an object', cp);
    const from = expectIsoDate(c.validFrom, `${cp}.validFrom`);
    const until = expectIsoDate(c.validUntil, `${cp}.validUntil`);
    if (from > until) throw new DrawError('INVALID_DATE', 'validFrom is after validUntil', cp);
    if (c.number !== undefined && c.number !== null && (typeof c.number !== 'string' || textProblem(c.number, 64) !== null)) {
      throw new DrawError('INVALID_INPUT', 'a certificate number is at most 64 characters without control characters', `${cp}.number`);
    }
  });
  expectTextList(x.qualifications, `${path}.qualifications`);
  expectCodes(x.conflicts, `${path}.conflicts`);
  expectCodes(x.relationCodes, `${path}.relationCodes`);
  if (x.addressKey !== undefined && x.addressKey !== null && x.addressKey !== '' && (typeof x.addressKey !== 'string' || !ADDRESS_KEY.test(x.addressKey))) {
    throw new DrawError('INVALID_INPUT', 'printable ASCII without spaces, at most 128 characters', `${path}.addressKey`);
  }
}

function staticReasonOf(ins: InspectorInput, a: AssignmentInput, date: string): ExclusionReason | null {
  if (ins.status !== '有效') return 'inactiveStatus';
  if (!ins.certificates.some((c) => c.validFrom <= date && date <= c.validUntil)) return 'noValidCertificate';
  if (!a.allowedDepartments.includes(ins.department)) return 'department';
  if (!a.requiredQualifications.every((q) => ins.qualifications.includes(q))) return 'qualification';
  return null;
}

function push(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

/** Builds the roster of a validated assignment for an inspection date. */
export function buildRoster(a: AssignmentInput, inspectionDate: string): Roster {
  const inspectors = [...a.inspectors].sort((x, y) => compareUtf8(x.id, y.id));
  for (let p = 1; p < inspectors.length; p += 1) {
    if (inspectors[p]!.id === inspectors[p - 1]!.id) throw new DrawError('DUPLICATE_INSPECTOR', `inspector id "${inspectors[p]!.id}" appears twice`, 'assignment.inspectors');
  }
  const conflictsByCode = new Map<string, number[]>();
  const byAddress = new Map<string, number[]>();
  inspectors.forEach((ins, p) => {
    for (const code of [...(ins.conflicts ?? []), ...(ins.relationCodes ?? [])].sort()) push(conflictsByCode, code, p);
    if (ins.addressKey) push(byAddress, ins.addressKey, p);
  });
  return {
    inspectors,
    staticReason: inspectors.map((ins) => staticReasonOf(ins, a, inspectionDate)),
    conflictsByCode,
    byAddress,
  };
}

/** Canonical positions of inspectors in conflict with the entity, ascending, without repeats. */
export function conflictsOf(roster: Roster, entity: EntityInput): number[] {
  const byCode = roster.conflictsByCode.get(entity.creditCode) ?? [];
  const byAddress = entity.addressKey ? roster.byAddress.get(entity.addressKey) ?? [] : [];
  if (byAddress.length === 0) return byCode;
  return [...new Set([...byCode, ...byAddress])].sort((x, y) => x - y);
}

/**
 * Why each inspector is not drawable for this entity right now, counted under the first
 * failing check: static reason, conflict, recused, on the team, load limit.
 */
export function explainExclusions(
  roster: Roster, entity: EntityInput, load: Int32Array, maxLoad: number,
  recused: ReadonlySet<number> = new Set(), onTeam: ReadonlySet<number> = new Set(),
): { eligible: number; excluded: ExclusionCounts } {
  const excluded = emptyExclusionCounts();
  const conflicted = new Set(conflictsOf(roster, entity));
  let eligible = 0;
  roster.inspectors.forEach((_, p) => {
    const reason: ExclusionReason | null = roster.staticReason[p]
      ?? (conflicted.has(p) ? 'conflict' : recused.has(p) ? 'recused' : onTeam.has(p) ? 'onTeam' : load[p]! >= maxLoad ? 'loadLimit' : null);
    if (reason) excluded[reason] += 1;
    else eligible += 1;
  });
  return { eligible, excluded };
}
