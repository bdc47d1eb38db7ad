// Owns the forms of the inspection page: their zod schemas (each form's fields named apart, as
// one page carries them all), the use cases' field names → the form's (FIELD_NAMES, for onForm in
// server/http/forms.ts), the findings form (one fieldset per item, flat names `items.<i>.<field>`
// as the domain reports them) and the values a form starts with.
import { z } from 'zod';
import { INSPECTION_MODES, type InspectionRecord } from '../../models/inspection.js';
import type { FindingInput } from '../inspections/findings.js';
import { text } from '../http/forms.js';
import { many } from './plans-forms.js';

/** A checkbox group: absent, one value or several. */
const boxes = (max = 20) => z.union([z.string().max(64, 'invalid'), z.array(z.string().max(64, 'invalid')).max(max, 'invalid')]).optional();

export const approveForm = z.object({ mode: z.enum(INSPECTION_MODES, 'invalid_choice'), approveReason: text(1000) });
export const checkInForm = z.object({ code: text(40), present: boxes() });
export const lateCheckInForm = z.object({ lateDay: text(10), latePresent: boxes(), lateReason: text(1000) });
export const confirmForm = z.object({ revision: z.coerce.number({ error: 'invalid' }).int('invalid').min(0, 'invalid') });
export const reviewForm = z.object({ decision: z.enum(['approve', 'return', 'reject'], 'invalid_choice'), reviewComment: text(4000), publishAt: text(20) });
export const correctForm = z.object({ correctReason: text(2000), correctCategory: text(32) });
export const followUpForm = z.object({ measure: text(32), followUpNote: text(2000) });
export const recusalForm = z.object({ requestedBy: z.enum(['inspector', 'entity'], 'invalid_choice'), recusalInspector: text(32), recusalReason: text(500) });
export const emptyForm = z.object({});
/** A new 线索核查 / 即时 inspection (server/inspections/ad-hoc.ts): the team is the leader, then the ticked members. */
export const adHocForm = z.object({
  task: text(24), formToken: text(64), creditCode: text(40), inspectionDate: text(10), leader: text(32), members: boxes(200), adHocReason: text(2000),
});

/** The use cases' field names → the form's, per form. */
export const FIELD_NAMES = {
  approve: { reason: 'approveReason' },
  checkIn: { inspectors: 'present' },
  late: { day: 'lateDay', inspectors: 'latePresent', reason: 'lateReason' },
  review: { comment: 'reviewComment' },
  correct: { reason: 'correctReason', resultCategory: 'correctCategory' },
  followUp: { note: 'followUpNote' },
  recusal: { inspectorId: 'recusalInspector', reason: 'recusalReason' },
  adHoc: { reason: 'adHocReason', team: 'members' },
} as const satisfies Record<string, Record<string, string>>;

/** Text areas (they may hold line breaks). */
export const MULTILINE = ['approveReason', 'lateReason', 'reviewComment', 'correctReason', 'followUpNote', 'recusalReason'];

const FINDING_TEXT = { problems: 4000, handling: 2000, note: 4000 } as const;

/** The findings form of an inspection with `count` items, plus the overall result. */
export function findingsForm(count: number) {
  const shape: Record<string, z.ZodType> = { resultCategory: text(32) };
  for (let i = 0; i < count; i += 1) {
    shape[`items.${i}.methods`] = boxes(10);
    shape[`items.${i}.resultCategory`] = text(32);
    shape[`items.${i}.followUp`] = text(32);
    shape[`items.${i}.rectifyBy`] = text(10);
    for (const [field, max] of Object.entries(FINDING_TEXT)) shape[`items.${i}.${field}`] = text(max);
  }
  return z.object(shape);
}

export const findingsMultiline = (count: number) => Array.from({ length: count }, (_, i) => Object.keys(FINDING_TEXT).map((f) => `items.${i}.${f}`)).flat();

/** The form's values as the use case's findings, in the inspection's item order. */
export function findingsInput(value: Record<string, unknown>, itemCodes: readonly string[]): { findings: FindingInput[]; resultCategory: string } {
  const field = (i: number, name: string) => String(value[`items.${i}.${name}`] ?? '');
  return {
    resultCategory: String(value.resultCategory ?? ''),
    findings: itemCodes.map((itemCode, i) => ({
      itemCode, methods: many(value[`items.${i}.methods`]), resultCategory: field(i, 'resultCategory'), problems: field(i, 'problems'),
      handling: field(i, 'handling'), followUp: field(i, 'followUp'), rectifyBy: field(i, 'rectifyBy'), note: field(i, 'note'),
    })),
  };
}

/** What the forms show before anything is typed: the stored findings, everyone on the team present, today for a late check-in. */
export function startValues(inspection: InspectionRecord, today: string): Record<string, unknown> {
  const values: Record<string, unknown> = { present: [...inspection.team], latePresent: [...inspection.team], lateDay: today, resultCategory: inspection.resultCategory ?? '' };
  inspection.itemCodes.forEach((code, i) => {
    const f = inspection.findings.find((x) => x.itemCode === code);
    if (!f) return;
    Object.assign(values, {
      [`items.${i}.methods`]: [...f.methods], [`items.${i}.resultCategory`]: f.resultCategory, [`items.${i}.problems`]: f.problems ?? '',
      [`items.${i}.handling`]: f.handling ?? '', [`items.${i}.followUp`]: f.followUp ?? '', [`items.${i}.rectifyBy`]: f.rectifyBy ?? '', [`items.${i}.note`]: f.note ?? '',
    });
  });
  return values;
}
