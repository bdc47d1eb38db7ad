// Owns reading the audit trail entry by entry (the observer's and administrator's /audit/entries):
// the chained entries newest first, a page at a time by their chain number (seq, uniquely
// indexed: a page never skips or costs more as the trail grows), optionally one action or one
// target. Reading changes nothing.
import { z } from 'zod';
import mongoose from 'mongoose';
import { AuditEvent } from '../../models/audit-event.js';
import { optional } from '../http/validate.js';

export const AUDIT_PAGE_SIZE = 50;

export const auditEntriesSchema = z.object({
  action: z.string().trim().max(100, 'too_long').optional().transform((v) => v || undefined),
  target: z.string().trim().max(200, 'too_long').optional().transform((v) => v || undefined),
  /** Entries numbered below this (the next page's link carries it). */
  before: optional(z.coerce.number({ error: 'invalid_page' }).int('invalid_page').min(1, 'invalid_page').max(Number.MAX_SAFE_INTEGER, 'invalid_page')),
});
export type AuditEntriesQuery = z.output<typeof auditEntriesSchema>;

export interface AuditEntryRow {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  target: { type: string; id: string; label?: string };
  /** What the entry recorded, as JSON text (the page folds it away). */
  details: string;
}

export async function auditEntries(query: AuditEntriesQuery): Promise<{ rows: AuditEntryRow[]; nextBefore: number | null }> {
  const filter: Record<string, unknown> = { seq: mongoose.trusted(query.before ? { $lt: query.before } : { $gte: 1 }) };
  if (query.action) filter.action = query.action;
  if (query.target) filter['target.id'] = query.target;
  const docs = await AuditEvent.find(filter).sort({ seq: -1 }).limit(AUDIT_PAGE_SIZE + 1).lean<Record<string, unknown>[]>();
  const rows = docs.slice(0, AUDIT_PAGE_SIZE).map((d) => {
    const actor = d.actor as { label?: string; kind?: string } | undefined;
    const details = Object.fromEntries(['before', 'after', 'changes'].filter((k) => d[k] !== undefined).map((k) => [k, d[k]]));
    return {
      seq: d.seq as number, at: d.at as Date, actor: actor?.label ?? actor?.kind ?? '', action: d.action as string,
      target: d.target as AuditEntryRow['target'], details: Object.keys(details).length > 0 ? JSON.stringify(details, null, 1) : '',
    };
  });
  return { rows, nextBefore: docs.length > AUDIT_PAGE_SIZE ? rows.at(-1)!.seq : null };
}
