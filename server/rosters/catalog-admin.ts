// Owns the back-office edits of the two editable lists: the inspection-item list (一单) and the
// dictionaries (result categories, follow-up options). Items and entries are deactivated,
// never deleted: past plans and results cite them.
import { z } from 'zod';
import { DICTIONARIES, DictionaryEntry, INSPECTION_METHODS, ITEM_KINDS, InspectionItem } from '../../models/index.js';
import { fieldChanges, recordChanges, type ChangeContext, type FieldChanges } from '../audit/changes.js';
import { NotFoundError, ValidationError, isDuplicateKeyError } from '../errors.js';
import { optional } from '../http/validate.js';
import { markRosterFiguresStale } from './roster-figures.js';

const text = (max: number) => z.string().trim().max(max, 'too_long').optional().default('');

export const itemEditSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200, 'too_long'),
  legalBasis: text(2000),
  departmentCode: z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department'),
  targetType: text(200),
  methods: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(INSPECTION_METHODS, 'invalid_choice'))),
  content: text(4000),
  ratioText: text(200),
  frequencyText: text(200),
  kind: z.enum(ITEM_KINDS, 'invalid_choice'),
  requiredQualification: optional(z.string().trim().max(100, 'too_long')),
});

export type ItemEdit = z.output<typeof itemEditSchema>;

export async function listItems() {
  return InspectionItem.find({}).sort({ code: 1 }).lean();
}

export async function getItem(code: string) {
  const item = await InspectionItem.findOne({ code }).lean();
  if (!item) throw new NotFoundError(`No inspection item ${code}`);
  return item;
}

/** The edit form's values for a stored item. */
export function itemEditValues(item: Record<string, any>): Record<string, unknown> {
  const keys = ['name', 'legalBasis', 'departmentCode', 'targetType', 'content', 'ratioText', 'frequencyText', 'kind', 'requiredQualification'];
  return { ...Object.fromEntries(keys.map((k) => [k, String(item[k] ?? '')])), methods: item.methods ?? [] };
}

const itemTarget = (item: { code: string; name: string }) => ({ type: 'item', id: item.code, label: item.name });

/** Applies a validated edit and audits the changed fields (action item.update). */
export async function updateItem(code: string, edit: ItemEdit, context: ChangeContext): Promise<{ changes: FieldChanges }> {
  const before = await getItem(code);
  const changes = fieldChanges(before as Record<string, unknown>, edit);
  if (Object.keys(changes).length > 0) {
    const set = Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.to ?? undefined]));
    await InspectionItem.updateOne({ _id: before._id }, { $set: set }, { runValidators: true });
  }
  await recordChanges(context, 'item.update', itemTarget(before), changes);
  return { changes };
}

/** Withdraws an item from new plans, or brings it back (item.deactivate / item.activate). */
export async function setItemActive(code: string, active: boolean, context: ChangeContext): Promise<boolean> {
  const before = await getItem(code);
  if (before.active === active) return false;
  await InspectionItem.updateOne({ _id: before._id }, { $set: { active } });
  await markRosterFiguresStale();
  await recordChanges(context, active ? 'item.activate' : 'item.deactivate', itemTarget(before), { active: { from: !active, to: active } });
  return true;
}

export type DictionaryName = (typeof DICTIONARIES)[number];

export function dictionaryName(value: string): DictionaryName {
  if (!(DICTIONARIES as readonly string[]).includes(value)) throw new NotFoundError(`No dictionary ${value}`);
  return value as DictionaryName;
}

export async function listDictionary(dictionary: DictionaryName) {
  return DictionaryEntry.find({ dictionary }).sort({ order: 1, code: 1 }).lean();
}

export const entryEditSchema = z.object({
  label: z.string().trim().min(1, 'required').max(100, 'too_long'),
  active: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});
export type EntryEdit = z.output<typeof entryEditSchema>;

/** Renames or (de)activates an entry and audits it (action dictionary.update). */
export async function updateEntry(dictionary: DictionaryName, code: string, edit: EntryEdit, context: ChangeContext): Promise<{ changes: FieldChanges }> {
  const before = await DictionaryEntry.findOne({ dictionary, code }).lean();
  if (!before) throw new NotFoundError(`No entry ${code} in ${dictionary}`);
  const changes = fieldChanges(before as Record<string, unknown>, edit);
  if (Object.keys(changes).length > 0) await DictionaryEntry.updateOne({ _id: before._id }, { $set: edit });
  await recordChanges(context, 'dictionary.update', { type: dictionary, id: code, label: before.label }, changes);
  return { changes };
}

export const newEntrySchema = z.object({
  // R14 for results and follow-ups; six digits (GB/T 2260) for divisions.
  code: z.string().trim().regex(/^(?:[A-Z]\d{2,3}|\d{6})$/, 'invalid_entry_code'),
  label: z.string().trim().min(1, 'required').max(100, 'too_long'),
});
export type NewEntry = z.output<typeof newEntrySchema>;

/** Adds an entry at the end of the dictionary and audits it (dictionary.add); a code in use is a field error. */
export async function addEntry(dictionary: DictionaryName, entry: NewEntry, context: ChangeContext): Promise<{ code: string }> {
  const last = await DictionaryEntry.findOne({ dictionary }).sort({ order: -1 }).lean();
  try {
    await DictionaryEntry.create({ dictionary, ...entry, order: (last?.order ?? -1) + 1, active: true });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ValidationError({ code: 'code_taken' });
    throw error;
  }
  await recordChanges(context, 'dictionary.add', { type: dictionary, id: entry.code, label: entry.label }, { label: { from: null, to: entry.label } });
  return { code: entry.code };
}
