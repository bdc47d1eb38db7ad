// The draw engine's data contract: every input and every output is plain JSON, so that a draw
// can be exported, published and recomputed by anyone (DRAW-SPEC.md §2 and §9 describe the
// same shapes in language-neutral terms). No class instances, no Dates, no Maps: ISO date
// strings and arrays only, because the record is the thing people verify.

/** Version tag of the algorithm; a record names it so a verifier knows which rules to apply. */
export const SPEC_VERSION = 'ssj-draw/1';
/** Announced draws (DRAW-SPEC.md §14): the record carries the announcement and its digest. */
export const SPEC_VERSION_2 = 'ssj-draw/2';
export type SpecVersion = typeof SPEC_VERSION | typeof SPEC_VERSION_2;

/** The one registration status that makes an entity drawable (DOMAIN: only active entities). */
export const DRAWABLE_STATUS = '存续';

export type RiskClass = 'A' | 'B' | 'C' | 'D';
export type InspectorStatus = '有效' | '失效';

/** One candidate market entity. Fields not listed here are ignored by the draw and the digest. */
export interface EntityInput {
  /** 统一社会信用代码: 18 characters from 0-9 and A-Y without I, O, S, V, Z. */
  creditCode: string;
  /** Registration status; only "存续" is drawable. */
  status: string;
  riskClass?: RiskClass | null;
  /** GB/T 4754 code or section letter; stratum conditions match it by prefix. */
  industry?: string | null;
  region?: string | null;
  specialRosters?: string[] | null;
  /** YYYY-MM-DD of the last inspection, if any. */
  lastInspectedOn?: string | null;
  /** Opaque key of the registered address, compared with inspectors' keys for 回避. */
  addressKey?: string | null;
}

/** A condition on entity attributes: AND across attributes, OR within one attribute's list. */
export interface StratumCondition {
  riskClass?: RiskClass[];
  /** Prefixes of the industry code ("C" matches "C1311"). */
  industry?: string[];
  region?: string[];
  /** The entity is on at least one of these special rosters (专项库). */
  specialRoster?: string[];
}

export type Quota =
  | { count: number; min?: number; max?: number }
  | { ratio: number; min?: number; max?: number };

export interface StratumInput {
  id: string;
  /** `{}` matches every entity; an entity belongs to the first stratum (declared order) it matches. */
  where: StratumCondition;
  quota: Quota;
  /** How many ordered alternates (候补) to draw after the selection; default 0. */
  alternates?: number;
}

export interface SeedSourceNumbers {
  name?: string;
  /** Non-negative integers, as JSON numbers or decimal digit strings (for values above 2^53). */
  numbers: Array<number | string>;
}

export interface SeedSourceValues {
  name?: string;
  /** ASCII letters and digits, e.g. a beacon round's hex output; compared case-insensitively. */
  values: string[];
}

export type SeedSource = SeedSourceNumbers | SeedSourceValues;

export interface SeedMaterial {
  /** Public random values declared before the draw, in the declared order. */
  sources: SeedSource[];
  /** Hex SHA-256 of the secret's bytes, published before the public values were known. */
  commitment?: string;
  /** The secret itself (hex), revealed at the draw. Required exactly when a commitment is given. */
  reveal?: string;
}

export interface CertificateInput {
  number?: string;
  validFrom: string;
  validUntil: string;
}

export interface InspectorInput {
  id: string;
  department: string;
  status: InspectorStatus;
  certificates: CertificateInput[];
  qualifications: string[];
  /** Credit codes of entities the inspector declared a conflict with. */
  conflicts?: string[];
  /** Credit codes the inspector is related to (former employer, a relative's business…). */
  relationCodes?: string[];
  /** Registered-address key; equal to an entity's addressKey means 回避. */
  addressKey?: string | null;
}

export interface AssignmentInput {
  inspectors: InspectorInput[];
  /** At least 2 (行政处罚法 Art. 42). */
  teamSize: number;
  maxAssignmentsPerInspector: number;
  requiredQualifications: string[];
  allowedDepartments: string[];
  /** Optional fresh seed material for the inspector phase, declared after the entity draw. */
  seed?: SeedMaterial;
}

export interface DrawInput {
  /** Unique task identifier; part of the key so two tasks sharing a beacon do not draw alike. */
  taskId: string;
  /** YYYY-MM-DD. The engine never reads a clock: every date comparison uses this. */
  inspectionDate: string;
  seed: SeedMaterial;
  pool: EntityInput[];
  strata: StratumInput[];
  /** `atCap` (credit codes at their annual inspection cap) exists in ssj-draw/2 only. */
  exclusions?: { repeatWindowDays?: number; atCap?: string[] };
  assignment?: AssignmentInput;
}

export interface SeedResult {
  canonicalKey: string;
  commitmentVerified: boolean;
  derivedKey: string;
}

export interface PoolSummary {
  digest: string;
  size: number;
  drawable: number;
  excludedInactive: number;
  excludedRecent: number;
  /** ssj-draw/2 only. */
  excludedAtCap?: number;
  unstratified: number;
  /** Entities inspected after this date are excluded; null when no window is set. */
  recentCutoff: string | null;
}

export interface StratumResult {
  id: string;
  matched: number;
  excludedInactive: number;
  excludedRecent: number;
  /** ssj-draw/2 only. */
  excludedAtCap?: number;
  drawable: number;
  /** Count after rounding and min/max, before capping at `drawable`. */
  quota: number;
  capped: boolean;
  selected: string[];
  alternates: string[];
}

export interface TeamRecord {
  creditCode: string;
  stratumId: string;
  /** In draw order, as originally drawn; recusals are recorded separately. */
  inspectors: string[];
}

export interface AssignmentResult {
  /** Present when the inspector phase used its own seed material. */
  seed: SeedResult | null;
  teamSize: number;
  /** In processing order (see DRAW-SPEC.md §7.3). */
  teams: TeamRecord[];
}

export interface RecusalRequest {
  creditCode: string;
  inspectorId: string;
  reason: string;
}

export interface RecusalRecord extends RecusalRequest {
  /** 1-based position in the record's list of recusals. */
  seq: number;
  /** 1-based count of recusals for this entity, part of the stream label. */
  n: number;
  replacement: string;
}

/** A public random source declared in an announcement, before its value exists (§14.3). */
export type DeclaredSource =
  | { type: 'drand'; chain: string; round: number; time: string }
  | { type: 'lottery'; game: string; date: string };

/** What was obtained for a declared source, at the same index (§14.4). */
export type SourceEvidence =
  | { type: 'drand'; round: number; signature: string; randomness: string }
  | { type: 'lottery'; result: number[][] };

export type AnnouncedQuota = ({ count: number } | { ratioPpm: number }) & { min?: number; max?: number };

export interface AnnouncedStratum {
  id: string;
  where: StratumCondition;
  quota: AnnouncedQuota;
  alternates: number;
}

export interface AnnouncedFigures {
  unstratified: number;
  excludedInactive: number;
  excludedRecent: number;
  excludedAtCap: number;
  drawable: number;
  strata: Array<{ id: string; matched: number; excludedInactive: number; excludedRecent: number; excludedAtCap: number; drawable: number; quota: number; capped: boolean }>;
}

export interface AnnouncedInspectorPhase {
  roster: { digest: string; size: number };
  teamSize: number;
  maxAssignmentsPerInspector: number;
  requiredQualifications: string[];
  allowedDepartments: string[];
}

/** Everything published before the draw (DRAW-SPEC.md §12, §14.2); its digest is published too. */
export interface Announcement {
  spec: typeof SPEC_VERSION_2;
  taskId: string;
  /** UTC, YYYY-MM-DDTHH:MM:SSZ: every declared source must come into existence after it. */
  announcedAt: string;
  inspectionDate: string;
  pool: { digest: string; size: number };
  strata: AnnouncedStratum[];
  rounding: typeof ROUNDING_RULE;
  exclusions: { repeatWindowDays: number; recentCutoff: string | null; atCap: string[] };
  figures: AnnouncedFigures;
  inspectors: AnnouncedInspectorPhase | null;
  randomness: { entities: DeclaredSource[]; inspectors: DeclaredSource[] | null; commitment: string | null };
}

/** The only rounding rule of §6.2, named in every announcement. */
export const ROUNDING_RULE = 'half-up-per-stratum';

/** The values obtained for the announced sources, and the revealed secret (§14.4). */
export interface RecordRandomness {
  entities: SourceEvidence[];
  inspectors: SourceEvidence[] | null;
  reveal: string | null;
}

export interface DrawRecord {
  spec: SpecVersion;
  /** ssj-draw/2: the announcement, its digest and the evidence for its sources. */
  announcement?: Announcement;
  announcementDigest?: string;
  randomness?: RecordRandomness;
  input: DrawInput;
  seed: SeedResult;
  pool: PoolSummary;
  strata: StratumResult[];
  assignment: AssignmentResult | null;
  recusals: RecusalRecord[];
}
