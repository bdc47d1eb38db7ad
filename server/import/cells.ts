// Owns turning one cell into one typed value, or into an error with a stable code and the
// params its catalogue message shows (import.row.<code>; the column and value are added by
// validate.ts). Pure: no database. An empty cell is `undefined`
// (whether that is allowed is decided by the column, not here).
import { creditCodeProblem } from '../../models/credit-code.js';
import type { RowErrorParams } from '../../models/import-run.js';
import type { Cell } from './types.js';

export interface CellError {
  code: string;
  /** Which of the code's messages (`import.row.<code>.<variant>`), where it has several. */
  variant?: string;
  params?: RowErrorParams;
}
export type Parsed<T = unknown> = { value: T | undefined } | { error: CellError };
/** `column` is the header as written in the file (errors name it through validate.ts). */
export type CellParser<T = unknown> = (cell: Cell, column: string) => Parsed<T>;

const DAY_MS = 86_400_000;
/** Excel counts 1900-01-01 as day 1 and wrongly includes 1900-02-29; day 0 is thus 1899-12-30 from day 61. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MIN_DATE_MS = Date.UTC(1900, 0, 1);
const MAX_DATE_MS = Date.UTC(2100, 11, 31);
/** Excel keeps 15 significant digits: a longer number typed into a General cell is already damaged. */
const MAX_EXACT_EXCEL_INTEGER = 999_999_999_999_999;

/** Text of a cell for headers and messages (a date cell as YYYY-MM-DD). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell);
}

export const fail = (code: string, params?: RowErrorParams, variant?: string): { error: CellError } => ({
  error: { code, ...(variant ? { variant } : {}), ...(params ? { params } : {}) },
});

/** Trimmed text without Excel's text markers (a leading apostrophe, tabs used to force text). */
export function plainText(cell: Cell): string {
  return cellText(cell).replace(/^[\s\u3000]+|[\s\u3000]+$/g, '').replace(/^'/, '');
}

/** For codes and enum labels: full-width to half-width (NFKC), no spaces at all. */
export function compactText(cell: Cell): string {
  return plainText(cell).normalize('NFKC').replace(/\s+/g, '');
}

export function text(max: number): CellParser<string> {
  return (cell, column) => {
    const value = plainText(cell);
    if (value === '') return { value: undefined };
    if (value.length > max) return fail('too_long', { max, length: value.length });
    return { value };
  };
}

/** Identifiers (certificate, licence, staff numbers): compacted, upper-cased, never a damaged number. */
/** `pattern.hint` names the expected form: the message `import.row.invalid_format.<hint>`. */
export function codeText(max: number, pattern?: { regex: RegExp; hint: string }): CellParser<string> {
  return (cell) => {
    if (typeof cell === 'number' && (!Number.isInteger(cell) || Math.abs(cell) > MAX_EXACT_EXCEL_INTEGER)) {
      return fail('numeric_precision');
    }
    const value = compactText(cell).toUpperCase();
    if (value === '') return { value: undefined };
    if (value.length > max) return fail('too_long', { max, length: value.length });
    if (pattern && !pattern.regex.test(value)) return fail('invalid_format', undefined, pattern.hint);
    return { value };
  };
}

const CREDIT_CODE_ERRORS: Record<string, string> = {
  length: 'credit_code_length', characters: 'credit_code_characters', check_digit: 'credit_code_check_digit',
};

export const creditCode: CellParser<string> = (cell, column) => {
  const code = codeText(18 * 4)(cell, column);
  if ('error' in code || code.value === undefined) return code;
  const problem = creditCodeProblem(code.value);
  if (!problem) return code;
  return fail(CREDIT_CODE_ERRORS[problem] as string, problem === 'length' ? { length: code.value.length } : undefined);
};

export interface EnumRule<T extends string> {
  values: readonly T[];
  /** Other spellings, compared after compactText and lower-casing. */
  synonyms?: Record<string, T>;
  /** Tried in order when nothing matched exactly: real exports write long labels. */
  patterns?: [RegExp, T][];
}

export function enumOf<T extends string>(rule: EnumRule<T>): CellParser<T> {
  const lookup = new Map<string, T>();
  for (const value of rule.values) lookup.set(value.toLowerCase(), value);
  for (const [spelling, value] of Object.entries(rule.synonyms ?? {})) lookup.set(spelling.toLowerCase(), value);
  return (cell, column) => {
    const raw = compactText(cell);
    if (raw === '') return { value: undefined };
    const exact = lookup.get(raw.toLowerCase());
    if (exact) return { value: exact };
    const matched = rule.patterns?.find(([regex]) => regex.test(raw));
    if (matched) return { value: matched[1] };
    return fail('invalid_choice', { given: raw, choices: [...rule.values] });
  };
}

/** Dates as people and systems write them; stored as UTC midnight of that calendar day. */
export const date: CellParser<Date> = (cell, column) => {
  if (cell instanceof Date) return checkedDate(Date.UTC(cell.getUTCFullYear(), cell.getUTCMonth(), cell.getUTCDate()), column);
  if (typeof cell === 'number') return fromNumber(cell, column);
  // A time of day (exports often write "2024-01-05 00:00:00") is dropped before spaces are.
  const raw = plainText(cell)
    .normalize('NFKC')
    .replace(/(?:T|\s)+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$/, '')
    .replace(/\s+/g, '');
  if (raw === '') return { value: undefined };
  if (/^\d{1,5}(\.\d+)?$/.test(raw)) return fromNumber(Number(raw), column);
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!match) return invalidDate(column, raw);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-30 over to March: a real calendar day survives the round trip.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return fail('invalid_date', { given: raw }, 'not_a_day');
  }
  return checkedDate(ms, column);
};

function fromNumber(value: number, column: string): Parsed<Date> {
  if (Number.isInteger(value) && value >= 19000101 && value <= 21001231) return date(String(value), column);
  if (value < 1 || value > 73_415) return invalidDate(column, String(value)); // 73415 = 2100-12-31
  const whole = Math.floor(value);
  const ms = whole < 61 ? EXCEL_EPOCH_MS + (whole + 1) * DAY_MS : EXCEL_EPOCH_MS + whole * DAY_MS;
  return checkedDate(ms, column);
}

function checkedDate(ms: number, column: string): Parsed<Date> {
  if (Number.isNaN(ms) || ms < MIN_DATE_MS || ms > MAX_DATE_MS) return fail('invalid_date', undefined, 'out_of_range');
  return { value: new Date(ms) };
}

function invalidDate(_column: string, raw: string): { error: CellError } {
  return fail('invalid_date', { given: raw });
}

/** Several values in one cell, separated by ；;、，, or new lines; each parsed by `item`. */
export function listOf<T>(item: CellParser<T>): CellParser<T[]> {
  return (cell, column) => {
    if (cell instanceof Date || typeof cell === 'number') {
      const one = item(cell, column);
      return 'error' in one ? one : { value: one.value === undefined ? [] : [one.value] };
    }
    const parts = plainText(cell).split(/[;；、,，\n]+/).map((part) => part.trim()).filter(Boolean);
    const values: T[] = [];
    for (const part of parts) {
      const parsed = item(part, column);
      if ('error' in parsed) return parsed;
      if (parsed.value !== undefined) values.push(parsed.value);
    }
    return { value: values };
  };
}
