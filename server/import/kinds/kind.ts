// The contract every importable kind (entities, inspectors, items) fulfils, and the helpers the
// three share: department lookup by code or name, division names by GB/T 2260 code, and copying
// one-to-one columns into fields.
import type { Model } from 'mongoose';
import { Department, DictionaryEntry } from '../../../models/index.js';
import type { CellError } from '../cells.js';
import type { ColumnRules } from '../columns.js';
import type { ImportKind, ValidRow } from '../types.js';

/** Facts loaded once per import that row validation needs (kept small: departments and divisions). */
export interface KindContext {
  /** Department code for a cell holding a code or a name. */
  departmentCode(text: string): string | undefined;
  /** The name of a six-digit division code, from the active entries of the 'division' dictionary. */
  divisionName(code: string): string | undefined;
}

/** A row error from checks across columns: code, variant and params as in cells.ts. */
export interface FieldError extends CellError {
  /** The field whose column is blamed in the report. */
  field: string;
}

export interface BuildInput {
  values: Record<string, unknown>;
  present: ReadonlySet<string>;
  headerOf(field: string): string;
  context: KindContext;
}

export type BuildResult =
  | { key: string; fields: Record<string, unknown>; unset: string[]; /** Default: the kind's keyField. */ keyColumn?: string }
  | { errors: FieldError[] };

export interface KindDefinition extends ColumnRules {
  kind: ImportKind;
  model: Model<any>;
  /** The document field holding the natural key that upserts match on. */
  keyField: string;
  /** Parsed cells → model fields, with the checks that span several columns. */
  build(input: BuildInput): BuildResult;
  /** Before writing: settle keys that need the database (inspectors known only by certificate). */
  resolveKeys?(rows: ValidRow[]): Promise<void>;
  /**
   * The fields to write over an existing document; default: the row's fields as they are.
   * `existing` holds only _id, the key and the fields the batch's rows write or clear.
   */
  mergeInto?(existing: Record<string, any>, row: ValidRow): Record<string, unknown>;
}

export async function loadKindContext(): Promise<KindContext> {
  const [departments, divisions] = await Promise.all([
    Department.find({}, { code: 1, name: 1 }).lean(),
    DictionaryEntry.find({ dictionary: 'division', active: true }, { code: 1, label: 1 }).lean(),
  ]);
  const byText = new Map<string, string>();
  for (const department of departments) {
    byText.set(normalise(department.name), department.code);
    byText.set(normalise(department.code), department.code);
  }
  const divisionNames = new Map(divisions.map((d) => [d.code, d.label]));
  return { departmentCode: (text) => byText.get(normalise(text)), divisionName: (code) => divisionNames.get(code) };
}

const normalise = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/**
 * Copies one-to-one columns: a value becomes a field; a column present but empty clears the
 * field (the file is authoritative for the columns it has); an absent column is left alone.
 */
export function copyPlain(values: Record<string, unknown>, present: ReadonlySet<string>, paths: readonly string[]) {
  const fields: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const path of paths) {
    if (!present.has(path)) continue;
    const value = values[path];
    if (value === undefined) unset.push(path);
    else fields[path] = value;
  }
  return { fields, unset };
}

/** A department cell resolved to a code, or the error naming it. */
export function resolveDepartment(input: BuildInput, field: string): { code?: string; error?: FieldError } {
  const raw = input.values[field];
  if (typeof raw !== 'string') return {};
  const code = input.context.departmentCode(raw);
  if (code) return { code };
  return { error: { field, code: 'unknown_department', params: { given: raw } } };
}
