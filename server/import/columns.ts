// Owns the column mapping: which header of the file feeds which field. Headers are matched
// after normalisation (full-width/half-width, spaces, required-markers "*", brackets, case and
// "_"/"-"), against a Chinese label, its usual synonyms and the English field name, and a
// trailing hint such as "成立日期（YYYY-MM-DD）" is tolerated. Unknown headers are reported,
// never fatal, with any control character escaped visibly; a missing required column is fatal
// and named.
import type { CellParser } from './cells.js';
import type { LocalMessage, MessageParam } from '../errors.js';
import { ImportFileError } from './types.js';

export interface ColumnSpec {
  /** Key under which the parsed value is handed to the kind's builder (usually the model path). */
  field: string;
  /** The canonical Chinese header, used in messages. */
  label: string;
  /** Other accepted headers: Chinese synonyms and English names. */
  aliases: readonly string[];
  parse: CellParser;
  /** A row must have a value whenever the file has this column. */
  required?: boolean;
}

export interface ColumnRules {
  columns: readonly ColumnSpec[];
  /** Fields whose column the file must have; an inner array means "at least one of these". */
  requiredColumns: readonly (string | readonly string[])[];
  /** Columns that become required once another one is present. */
  requiredWith?: Readonly<Record<string, readonly string[]>>;
}

export interface RepeatedColumn { header: string; first: string }

export interface ColumnMapping {
  /** Per column index of the file: the spec it feeds, if any. */
  byIndex: (ColumnSpec | undefined)[];
  /** The header text as written, per column index. */
  headers: string[];
  /** Fields that have a column in this file. */
  present: Set<string>;
  mapped: { header: string; field: string }[];
  /** Headers that feed nothing, reported once per file. */
  unknown: string[];
  /** Headers mapping to a field an earlier column already feeds: ignored, reported with that column. */
  repeated: RepeatedColumn[];
}

/** Normal form of a header for matching. */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\uFEFF*:：()[\]【】]/g, '')
    .replace(/[_-]/g, '')
    .toLowerCase();
}

/**
 * A header as reports and the run record show it: control characters (TAB, line breaks
 * included: a header is one line) written as visible \uXXXX escapes and lone surrogates replaced,
 * like the error report's cells (validate.ts). The run still reports the column, and its record
 * never holds text the models would refuse (ImportRun is written without model validation).
 */
export function shownHeader(text: string): string {
  return text.toWellFormed().replace(/[\u0000-\u001F\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const TRAILING_HINT = /[(（[【][^)）\]】]*[)）\]】]\s*$/;

export function mapColumns(rules: ColumnRules, header: string[]): ColumnMapping {
  const lookup = new Map<string, ColumnSpec>();
  for (const spec of rules.columns) {
    for (const name of [spec.label, spec.field, ...spec.aliases]) lookup.set(headerKey(name), spec);
  }
  const mapping: ColumnMapping = { byIndex: [], headers: [], present: new Set(), mapped: [], unknown: [], repeated: [] };
  const firstHeaderOf = new Map<string, string>();
  header.forEach((raw, index) => {
    const typed = raw.replace(/^\uFEFF/, '').trim();
    const text = shownHeader(typed);
    mapping.headers[index] = text;
    if (text === '') return; // trailing empty columns of spreadsheet exports
    const spec = lookup.get(headerKey(typed)) ?? lookup.get(headerKey(typed.replace(TRAILING_HINT, '')));
    if (!spec) {
      mapping.unknown.push(text);
    } else if (mapping.present.has(spec.field)) {
      mapping.repeated.push({ header: text, first: firstHeaderOf.get(spec.field) as string });
    } else {
      mapping.byIndex[index] = spec;
      mapping.present.add(spec.field);
      firstHeaderOf.set(spec.field, text);
      mapping.mapped.push({ header: text, field: spec.field });
    }
  });
  assertRequiredColumns(rules, mapping.present);
  return mapping;
}

function assertRequiredColumns(rules: ColumnRules, present: Set<string>): void {
  const specOf = (field: string) => rules.columns.find((spec) => spec.field === field);
  // A column by its label and up to three Chinese synonyms: the names a registration export uses.
  const describe = (field: string): LocalMessage => {
    const spec = specOf(field);
    if (!spec) return { key: 'import.file.missing_columns.column', params: { label: field } };
    const others = spec.aliases.filter((alias) => /[^\x00-\x7f]/.test(alias)).slice(0, 3);
    return others.length > 0
      ? { key: 'import.file.missing_columns.column_with_aliases', params: { label: spec.label, aliases: others } }
      : { key: 'import.file.missing_columns.column', params: { label: spec.label } };
  };
  const missing: MessageParam[] = [];
  const missingFields: string[] = [];
  for (const requirement of rules.requiredColumns) {
    const options = typeof requirement === 'string' ? [requirement] : requirement;
    if (options.some((field) => present.has(field))) continue;
    missing.push({ list: options.map(describe), separator: 'import.file.missing_columns.or' });
    missingFields.push(options.join('|'));
  }
  for (const [trigger, needed] of Object.entries(rules.requiredWith ?? {})) {
    if (!present.has(trigger)) continue;
    for (const field of needed) {
      if (present.has(field)) continue;
      missing.push({ key: 'import.file.missing_columns.needed_with', params: { column: describe(field), trigger: specOf(trigger)?.label ?? trigger } });
      missingFields.push(field);
    }
  }
  if (missing.length > 0) {
    throw new ImportFileError('missing_columns', undefined, { columns: { list: missing, separator: 'import.file.missing_columns.separator' } }, { missingColumns: missingFields });
  }
}
