// Owns the findings of an inspection: per item the methods used, the result category (from the
// 'result_category' dictionary), problems, handling, follow-up measure, rectification deadline
// and notes, plus the entity's overall result. Every save is a new revision and clears the
// confirmations; each member present at the check-in confirms the revision, and only a
// revision confirmed by all of them is submitted. After submission nothing changes until the
// reviewer returns it. The first submission fixes the day the result arose, from which the
// publication deadline is counted in working days.
import { DictionaryEntry } from '../../models/dictionary-entry.js';
import { INSPECTION_METHODS } from '../../models/inspection-item.js';
import type { InspectionRecord } from '../../models/inspection.js';
import { ConflictError, ValidationError, type FieldErrors } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import { assertTeam } from './access.js';
import { applyTransition, loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

export interface FindingInput {
  itemCode: string;
  methods: string[];
  resultCategory: string;
  problems?: string;
  handling?: string;
  followUp?: string;
  rectifyBy?: string;
  note?: string;
}

const LIMITS = { problems: 4000, handling: 2000, note: 4000 } as const;

async function dictionaryCodes(dictionary: 'result_category' | 'follow_up'): Promise<Set<string>> {
  const entries = await DictionaryEntry.find({ dictionary, active: true }).select('code').lean<{ code: string }[]>();
  return new Set(entries.map((e) => e.code));
}

/** Field errors of a findings form: `items.<i>.<field>` per item, `resultCategory` overall. */
export async function findingsErrors(inspection: Pick<InspectionRecord, 'itemCodes'>, findings: FindingInput[], resultCategory: string): Promise<FieldErrors> {
  const [categories, followUps] = await Promise.all([dictionaryCodes('result_category'), dictionaryCodes('follow_up')]);
  const errors: FieldErrors = {};
  if (!categories.has(resultCategory)) errors.resultCategory = resultCategory ? 'invalid' : 'required';
  const seen = new Set<string>();
  findings.forEach((f, i) => {
    const at = (field: string) => `items.${i}.${field}`;
    if (!inspection.itemCodes.includes(f.itemCode) || seen.has(f.itemCode)) errors[at('itemCode')] = 'invalid';
    seen.add(f.itemCode);
    if (f.methods.length === 0) errors[at('methods')] = 'required';
    else if (f.methods.some((m) => !(INSPECTION_METHODS as readonly string[]).includes(m))) errors[at('methods')] = 'invalid';
    if (!categories.has(f.resultCategory)) errors[at('resultCategory')] = f.resultCategory ? 'invalid' : 'required';
    if (f.followUp && !followUps.has(f.followUp)) errors[at('followUp')] = 'invalid';
    if (f.rectifyBy && !/^\d{4}-\d{2}-\d{2}$/.test(f.rectifyBy)) errors[at('rectifyBy')] = 'invalid_date';
    for (const [field, max] of Object.entries(LIMITS)) if ((f[field as keyof typeof LIMITS] ?? '').length > max) errors[at(field)] = 'too_long';
  });
  const missing = inspection.itemCodes.filter((code) => !seen.has(code));
  if (missing.length > 0) errors._form = 'items_missing';
  return errors;
}

/** Saves the findings (a new revision; confirmations start over). */
export async function saveFindings(id: string, findings: FindingInput[], resultCategory: string, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertTeam(acting, inspection);
  const errors = await findingsErrors(inspection, findings, resultCategory);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const clean = findings.map((f) => ({
    itemCode: f.itemCode, methods: [...new Set(f.methods)], resultCategory: f.resultCategory, problems: (f.problems ?? '').trim(),
    handling: (f.handling ?? '').trim(), followUp: f.followUp ?? '', ...(f.rectifyBy ? { rectifyBy: f.rectifyBy } : {}), note: (f.note ?? '').trim(),
  }));
  const revision = inspection.revision + 1;
  return applyTransition(inspection, 'enterFindings', {
    set: { findings: clean, resultCategory, revision, confirmations: [] },
    audit: { action: 'inspection.findings', after: { revision, resultCategory, items: clean.map((f) => `${f.itemCode}:${f.resultCategory}`) } },
  }, acting, settings.now());
}

/** A member present at the check-in confirms the current revision of the findings. */
export async function confirmFindings(id: string, revision: number, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertTeam(acting, inspection);
  const me = acting.inspectorId as string;
  if (!(inspection.checkIn?.inspectors ?? []).includes(me)) throw new ConflictError('Only members present at the check-in confirm the findings.').localized({ key: 'inspection.error.not_present' }, 'inspection_not_present');
  if (revision !== inspection.revision) throw new ConflictError('The findings changed since you read them.').localized({ key: 'inspection.error.changed' }, 'inspection_changed');
  if (inspection.confirmations.some((c) => c.inspectorId === me && c.revision === revision)) return inspection;
  const now = settings.now();
  return applyTransition(inspection, 'confirm', {
    push: { confirmations: { inspectorId: me, at: now, revision } },
    audit: { action: 'inspection.confirm', after: { revision } },
  }, acting, now);
}

/** Who still has to confirm the current revision before it can be submitted. */
export function unconfirmed(inspection: Pick<InspectionRecord, 'checkIn' | 'confirmations' | 'revision'>): string[] {
  const done = new Set(inspection.confirmations.filter((c) => c.revision === inspection.revision).map((c) => c.inspectorId));
  return (inspection.checkIn?.inspectors ?? []).filter((id) => !done.has(id));
}

/** Submits the confirmed findings for review; the first submission fixes the result day and the deadline. */
export async function submitFindings(id: string, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertTeam(acting, inspection);
  const waiting = unconfirmed(inspection);
  if (inspection.state === 'findings_entered' && waiting.length > 0) {
    throw new ConflictError(`Not yet confirmed by ${waiting.join(', ')}.`).localized({ key: 'inspection.error.unconfirmed', params: { inspectors: waiting.join('、') } }, 'inspection_unconfirmed');
  }
  const now = settings.now();
  const resultOn = inspection.resultOn ?? todayIn(settings.timeZone, now);
  const publishDueOn = inspection.publishDueOn ?? (await settings.calendar()).addWorkingDays(resultOn, settings.publishWithinWorkingDays);
  return applyTransition(inspection, 'submit', {
    set: { submittedAt: now, resultOn, publishDueOn },
    audit: { action: 'inspection.submit', after: { revision: inspection.revision, resultCategory: inspection.resultCategory, publishDueOn } },
  }, acting, now);
}
