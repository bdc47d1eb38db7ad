// The roster digest (DRAW-SPEC.md §14.2): SHA-256 of a canonical text of the inspector roster
// with exactly the fields the inspector draw reads, one line per inspector in canonical order
// (by id, byte order), lists sorted, absent optional fields written empty. It is announced
// before the draw, so the roster cannot be changed between the announcement and the draw.
import { canonicalJson } from './canonical-json.js';
import { compareUtf8, sha256Hex, utf8, type Sha256Factory } from './hash.js';
import type { InspectorInput } from './types.js';

export const ROSTER_HEADER = 'ssj-roster/1\n';

const sorted = (list: readonly string[] | null | undefined): string[] => [...(list ?? [])].sort(compareUtf8);

/** One inspector's line, without its LF. The caller has validated the inspector. */
export function rosterLine(ins: InspectorInput): string {
  const certificates = ins.certificates
    .map((c) => canonicalJson([c.validFrom, c.validUntil, c.number ?? '']))
    .sort(compareUtf8)
    .map((text) => JSON.parse(text) as string[]);
  return canonicalJson({
    addressKey: ins.addressKey ?? '',
    certificates,
    conflicts: sorted(ins.conflicts),
    department: ins.department,
    id: ins.id,
    qualifications: sorted(ins.qualifications),
    relationCodes: sorted(ins.relationCodes),
    status: ins.status,
  });
}

export function canonicalRosterText(inspectors: readonly InspectorInput[]): string {
  const lines = [...inspectors].sort((a, b) => compareUtf8(a.id, b.id)).map((ins) => `${rosterLine(ins)}\n`);
  return ROSTER_HEADER + lines.join('');
}

export function rosterDigest(inspectors: readonly InspectorInput[], sha: Sha256Factory): string {
  return sha256Hex(sha, utf8(canonicalRosterText(inspectors)));
}
