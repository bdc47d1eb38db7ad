// Owns the reply code (回执码): the entity's second secret, beside the check-in code. The check-in
// code is shown at the door and printed on the notice, so anyone who saw it could type it; it
// therefore opens nothing but the "is this inspection genuine?" page. What concerns the entity
// alone — the findings, its statement (陈述申辩) and its anonymous rating — opens only with the
// reply code, which is issued at each check-in (a new visit after a rejection gets a new one)
// and printed on the 现场检查笔录 / 随机抽查情况记录表 that the entity signs and keeps.
//
// Like the check-in code it has 80 random bits (16 characters of Crockford base32, typed from
// paper without confusion), so guessing is hopeless; lookups are limited per address anyway,
// sharing the check page's budget (server/inspections/check-throttle.ts): one guesser, one budget.
//
// Stored: its SHA-256 (`reply.hash`, unique), which is all that public lookups query, so what a
// lookup costs or finds never depends on how a typed code compares with real ones; and the code
// itself (`reply.code`), because the team prints the record at the visit and must be able to
// print it again (a jammed printer, a second copy) — the team hands the code over anyway, so
// keeping it readable to those who may open the inspection (the team and the department's
// supervisors) adds no reader. Neither field reaches the public check page, the publication or
// any export. A team that misused the code would show: the entity's page says when a statement
// or rating was already made with its code.
//
// replyView is what the code opens: the inspection's public facts, the findings once submitted
// (never before: a draft is the team's), the statement's state and whether the visit was rated.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { Department } from '../../models/department.js';
import { DictionaryEntry } from '../../models/dictionary-entry.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Inspection, type InspectionRecord, type InspectionState } from '../../models/inspection.js';
import { todayIn } from '../time.js';
import { formatCheckCode, newCheckCode, normaliseCheckCode } from './approval.js';
import { ratingStatus } from './rating.js';
import type { InspectionSettings } from './settings.js';
import { statementOfVisit, statementStatus, type StatementStatus } from './statement.js';

/** SHA-256 (hex) of a code in canonical form. 80 random bits need no slow hash. */
export function replyHash(code: string): string {
  return createHash('sha256').update(`reply|${code}`).digest('hex');
}

/** The reply fields a check-in sets (for the visit it starts). */
export function newReplyCode(visit: number, now: Date): { code: string; hash: string; visit: number; issuedAt: Date } {
  const code = newCheckCode();
  return { code, hash: replyHash(code), visit, issuedAt: now };
}

/** The reply fields of a check-in of `inspection` (as read before it): a rejected one starts a new visit. */
export function replyForCheckIn(inspection: Pick<InspectionRecord, 'state' | 'visit'>, now: Date): ReturnType<typeof newReplyCode> {
  const visit = (inspection.visit ?? 1) + (inspection.state === 'rejected' ? 1 : 0);
  return newReplyCode(visit, now);
}

/** The code as printed (groups of four), or '' when none was issued. */
export function printedReplyCode(inspection: Pick<InspectionRecord, 'reply'>): string {
  return inspection.reply?.code ? formatCheckCode(inspection.reply.code) : '';
}

/** The inspection a reply code (as typed) belongs to, or null: unknown, malformed and forged alike. */
export async function inspectionByReplyCode(text: string): Promise<InspectionRecord | null> {
  const code = normaliseCheckCode(text);
  if (!code) return null;
  return Inspection.findOne({ 'reply.hash': replyHash(code) }).lean<InspectionRecord>();
}

/** The phase the entity's page names (reply.phase.<phase>). */
const PHASES: Readonly<Record<InspectionState, string>> = {
  assigned: 'visit', approved: 'visit', checked_in: 'visit', findings_entered: 'visit', returned: 'correcting', rejected: 'rejected',
  submitted: 'review', approved_for_publication: 'approved', published: 'published', closed: 'published',
};
/** The findings are shown to the entity once submitted (what it may state its case on). */
const FINDINGS_SHOWN: readonly InspectionState[] = ['submitted', 'approved_for_publication', 'published', 'closed'];

export interface ReplyView {
  code: string;
  entityName: string;
  taskNumber: string;
  taskName: string;
  department: string;
  visitDay: string;
  phase: string;
  findings: { overall: string; items: { code: string; name: string; result: string; problems: string; handling: string; rectifyBy: string }[] } | null;
  statement: { status: StatementStatus; until?: string | undefined; kind?: string; text?: string; on?: string; answer?: { decision: string; reasons: string; on: string } };
  rating: { rateable: boolean; ratedOn?: string | undefined };
}

/** What the reply code opens for the entity: its inspection's facts, the submitted findings, its statement and its rating's state. */
export async function replyView(inspection: InspectionRecord, settings: InspectionSettings): Promise<ReplyView> {
  const shown = FINDINGS_SHOWN.includes(inspection.state);
  const codes = [inspection.resultCategory, ...inspection.findings.map((f) => f.resultCategory)].filter((c): c is string => Boolean(c));
  const [department, items, labels, statement, rating] = await Promise.all([
    Department.findOne({ code: inspection.departmentCode }).select('name').lean<{ name: string }>(),
    InspectionItem.find({ code: mongoose.trusted({ $in: inspection.itemCodes }) }).select('code name').lean<{ code: string; name: string }[]>(),
    DictionaryEntry.find({ dictionary: 'result_category', code: mongoose.trusted({ $in: codes }) }).select('code label').lean<{ code: string; label: string }[]>(),
    statementStatus(inspection, settings),
    ratingStatus(inspection),
  ]);
  const itemName = new Map(items.map((i) => [i.code, i.name]));
  const label = (code: string | null | undefined) => (code ? labels.find((l) => l.code === code)?.label ?? code : '');
  const made = statementOfVisit(inspection);
  const day = (d: Date | null | undefined) => (d ? todayIn(settings.timeZone, d) : '');
  return {
    code: printedReplyCode(inspection), entityName: inspection.entityName, taskNumber: inspection.taskNumber, taskName: inspection.taskName,
    department: department?.name ?? inspection.departmentCode, visitDay: inspection.checkIn?.day ?? '', phase: PHASES[inspection.state],
    findings: shown ? {
      overall: label(inspection.resultCategory),
      items: inspection.findings.map((f) => ({ code: f.itemCode, name: itemName.get(f.itemCode) ?? '', result: label(f.resultCategory), problems: f.problems ?? '', handling: f.handling ?? '', rectifyBy: f.rectifyBy ?? '' })),
    } : null,
    statement: {
      ...statement,
      ...(made ? { kind: made.kind ?? '', text: made.text ?? '', on: day(made.at) } : {}),
      ...(made?.answer?.decision ? { answer: { decision: made.answer.decision, reasons: made.answer.reasons ?? '', on: day(made.answer.at) } } : {}),
    },
    rating,
  };
}
