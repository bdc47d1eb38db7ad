// Owns THE definition of a public result (一公开), used by every public page, export and feed:
// which inspections the public may see (PUBLISHED_FILTER: published or since closed, and not
// withdrawn) and what it sees of one (publicResultOf: the publication frozen by
// server/inspections/review.ts with its corrections applied, plus the corrections themselves
// with date and reason). Nothing else of the inspection document leaves through here — no team,
// no findings' details, no follow-up, no author of a correction — so a page that renders only
// what publicResultOf returns cannot leak what DOMAIN.md keeps private.
import mongoose from 'mongoose';
import type { InspectionRecord } from '../../models/inspection.js';
import { todayIn } from '../time.js';

const t = mongoose.trusted;

/**
 * The Mongo filter of results the public may see. `publishedAt` is set by the same update that
 * makes the state 'published' (a later 'closed' keeps it); `withdrawal` is set by 撤回公示.
 * Combine it by spreading: `{ ...PUBLISHED_FILTER, creditCode }`.
 */
export const PUBLISHED_FILTER: Readonly<Record<string, unknown>> = Object.freeze({
  state: t({ $in: ['published', 'closed'] }),
  publishedAt: t({ $exists: true }),
  withdrawal: t({ $exists: false }),
});

/** Whether a loaded inspection is one the public may see (the same rule as PUBLISHED_FILTER). */
export function isPublic(doc: Pick<InspectionRecord, 'state' | 'publishedAt' | 'publication'> & { withdrawal?: unknown }): boolean {
  return (doc.state === 'published' || doc.state === 'closed') && Boolean(doc.publishedAt) && Boolean(doc.publication) && !doc.withdrawal;
}

/** The fields publicResultOf reads; queries project to these (never the team or the findings). */
export const PUBLIC_PROJECTION = { _id: 1, state: 1, publishedAt: 1, publication: 1, corrections: 1, withdrawal: 1 } as const;

/** The frozen publication as review.ts writes it. */
export interface Publication {
  planNumber?: string; planName?: string; planKey?: string;
  taskNumber: string; taskName: string; inspectionType?: string; targeting?: string;
  departmentCode: string; departmentName?: string;
  creditCode: string; entityName: string;
  resultCategory?: string; resultLabel?: string;
  items?: { itemCode: string; itemName?: string; resultCategory: string; resultLabel?: string }[];
  completedOn?: string; publishedOn?: string; publishDueOn?: string;
  /** The entity's statement (陈述申辩): made or not, and how it was decided (server/inspections/statement.ts publicationStatement). */
  statement?: PublicStatement;
}

/** Whether the entity made a statement on the findings and how the reviewer decided it (never its text). */
export interface PublicStatement { made: boolean; decision?: 'accepted' | 'not_accepted'; answeredOn?: string }

export interface PublicCorrection {
  at: Date;
  /** The day in TIME_ZONE. */
  on: string;
  reason: string;
  from: { category: string; label: string };
  to: { category: string; label: string };
}

export interface PublicResult {
  id: string;
  planKey: string; planNumber: string; planName: string;
  taskNumber: string; taskName: string; inspectionType: string;
  /** '定向' or '不定向' (the task's targeting), '' when unknown. */
  targeting: string;
  departmentCode: string; departmentName: string;
  creditCode: string; entityName: string;
  /** The effective result: the last correction's, else the published one. */
  resultCategory: string; resultLabel: string;
  /** As first published (differs from the effective result once corrected). */
  publishedResult: { category: string; label: string };
  corrected: boolean;
  items: { itemCode: string; itemName: string; resultCategory: string; resultLabel: string }[];
  completedOn: string; publishedOn: string; publishDueOn: string;
  /** Published within the deadline (publishedOn ≤ publishDueOn); null when no deadline was set. */
  onTime: boolean | null;
  publishedAt: Date;
  corrections: PublicCorrection[];
  /** Absent in publications made before statements existed. */
  statement: PublicStatement | null;
}

type Correction = { at?: Date | null; reason?: string | null; changes?: unknown };
type Source = { _id: string; publishedAt?: Date | null; publication?: unknown; corrections?: Correction[] | null };

/** The public view of one published result, corrections applied (call only on isPublic docs). */
export function publicResultOf(doc: Source, options: { timeZone?: string } = {}): PublicResult {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const p = (doc.publication ?? {}) as Publication;
  let current = { category: p.resultCategory ?? '', label: p.resultLabel ?? '' };
  const corrections: PublicCorrection[] = [];
  for (const c of doc.corrections ?? []) {
    const change = (c.changes as { resultCategory?: { from?: string; to?: string; label?: string } } | undefined)?.resultCategory;
    if (!change?.to || !c.at) continue;
    const to = { category: change.to, label: change.label ?? change.to };
    corrections.push({ at: c.at, on: todayIn(timeZone, c.at), reason: c.reason ?? '', from: current, to });
    current = to;
  }
  const publishedOn = p.publishedOn ?? '';
  const publishDueOn = p.publishDueOn ?? '';
  return {
    id: doc._id,
    planKey: p.planKey ?? '', planNumber: p.planNumber ?? '', planName: p.planName ?? '',
    taskNumber: p.taskNumber ?? '', taskName: p.taskName ?? '', inspectionType: p.inspectionType ?? '',
    targeting: p.targeting ?? '',
    departmentCode: p.departmentCode ?? '', departmentName: p.departmentName || p.departmentCode || '',
    creditCode: p.creditCode ?? '', entityName: p.entityName ?? '',
    resultCategory: current.category, resultLabel: current.label,
    publishedResult: { category: p.resultCategory ?? '', label: p.resultLabel ?? '' },
    corrected: corrections.length > 0,
    items: (p.items ?? []).map((i) => ({ itemCode: i.itemCode, itemName: i.itemName ?? '', resultCategory: i.resultCategory, resultLabel: i.resultLabel ?? '' })),
    completedOn: p.completedOn ?? '', publishedOn, publishDueOn,
    onTime: publishDueOn && publishedOn ? publishedOn <= publishDueOn : null,
    publishedAt: doc.publishedAt ?? new Date(0),
    corrections,
    statement: p.statement ? { made: Boolean(p.statement.made), ...(p.statement.decision ? { decision: p.statement.decision } : {}), ...(p.statement.answeredOn ? { answeredOn: p.statement.answeredOn } : {}) } : null,
  };
}
