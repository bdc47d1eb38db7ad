// Owns the back-office edits of the two editable lists: the inspection-item list (一单) and the
// dictionaries (result categories, follow-up options). Items and entries are deactivated,
// never deleted: past plans and results cite them.
import { z } from 'zod';
import { DICTIONARIES, DictionaryEntry, INSPECTION_METHODS, ITEM_KINDS, InspectionItem } from '../../models/index.js';
import { fieldChanges, type FieldChanges } from '../../models/audit-event.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { optional, parseInput } from '../http/validate.js';
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

export async function listItems() {
  return InspectionItem.find({}).sort({ code: 1 }).lean();
}

export async function getItem(code: string) {
  const item = await InspectionItem.findOne({ code }).lean();
  if (!item) throw new NotFoundError(`No inspection item ${code}`);
  return item;
}

export async function updateItem(code: string, input: unknown): Promise<{ changes: FieldChanges }> {
  const parsed = parseInput(itemEditSchema, input);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const before = await getItem(code);
  const changes = fieldChanges(before as Record<string, unknown>, parsed.value);
  if (Object.keys(changes).length > 0) {
    const set = Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.to ?? undefined]));
    await InspectionItem.updateOne({ _id: before._id }, { $set: set }, { runValidators: true });
  }
  return { changes };
}

export async function setItemActive(code: string, active: boolean): Promise<boolean> {
  const before = await getItem(code);
  if (before.active === active) return false;
  await InspectionItem.updateOne({ _id: before._id }, { $set: { active } });
  await markRosterFiguresStale();
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

const entrySchema = z.object({
  label: z.string().trim().min(1, 'required').max(100, 'too_long'),
  active: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

export async function updateEntry(dictionary: DictionaryName, code: string, input: unknown): Promise<{ changes: FieldChanges }> {
  const parsed = parseInput(entrySchema, input);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const before = await DictionaryEntry.findOne({ dictionary, code }).lean();
  if (!before) throw new NotFoundError(`No entry ${code} in ${dictionary}`);
  const changes = fieldChanges(before as Record<string, unknown>, parsed.value);
  if (Object.keys(changes).length > 0) await DictionaryEntry.updateOne({ _id: before._id }, { $set: parsed.value });
  return { changes };
}

const newEntrySchema = z.object({
  // R14 for results and follow-ups; six digits (GB/T 2260) for divisions.
  code: z.string().trim().regex(/^(?:[A-Z]\d{2,3}|\d{6})$/, 'invalid_entry_code'),
  label: z.string().trim().min(1, 'required').max(100, 'too_long'),
});

/** Adds an entry at the end of the dictionary; a code already in use is a field error. */
export async function addEntry(dictionary: DictionaryName, input: unknown): Promise<{ code: string }> {
  const parsed = parseInput(newEntrySchema, input);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
  const last = await DictionaryEntry.findOne({ dictionary }).sort({ order: -1 }).lean();
  try {
    await DictionaryEntry.create({ dictionary, ...parsed.value, order: (last?.order ?? -1) + 1, active: true });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new ValidationError({ code: 'code_taken' });
    throw error;
  }
  return { code: parsed.value.code };
}
