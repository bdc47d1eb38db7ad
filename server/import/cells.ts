// Owns turning one cell into one typed value, or into an error with a stable code and a
// Chinese message that names the column. Pure: no database. An empty cell is `undefined`
// (whether that is allowed is decided by the column, not here).
import { creditCodeProblem } from '../../models/credit-code.js';
import type { Cell } from './types.js';

export interface CellError {
  code: string;
  message: string;
}
export type Parsed<T = unknown> = { value: T | undefined } | { error: CellError };
/** `column` is the header as written in the file, so messages use the user's own words. */
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

export const fail = (code: string, message: string): { error: CellError } => ({ error: { code, message } });

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
    if (value.length > max) return fail('too_long', `「${column}」超过 ${max} 个字符（当前 ${value.length} 个）`);
    return { value };
  };
}

/** Identifiers (certificate, licence, staff numbers): compacted, upper-cased, never a damaged number. */
export function codeText(max: number, pattern?: { regex: RegExp; hint: string }): CellParser<string> {
  return (cell, column) => {
    if (typeof cell === 'number' && (!Number.isInteger(cell) || Math.abs(cell) > MAX_EXACT_EXCEL_INTEGER)) {
      return fail('numeric_precision', `「${column}」在 Excel 中被存为数字，可能已丢失精度；请把该列设为文本格式后重新导出`);
    }
    const value = compactText(cell).toUpperCase();
    if (value === '') return { value: undefined };
    if (value.length > max) return fail('too_long', `「${column}」超过 ${max} 个字符（当前 ${value.length} 个）`);
    if (pattern && !pattern.regex.test(value)) return fail('invalid_format', `「${column}」格式不正确：${pattern.hint}`);
    return { value };
  };
}

const CREDIT_CODE_MESSAGES: Record<string, [string, (column: string, code: string) => string]> = {
  length: ['credit_code_length', (column, code) => `「${column}」应为 18 位（当前 ${code.length} 位）`],
  characters: ['credit_code_characters', (column) => `「${column}」含有不允许的字符（统一社会信用代码不使用 I、O、S、V、Z）`],
  check_digit: ['credit_code_check_digit', (column) => `「${column}」的校验位不正确`],
};

export const creditCode: CellParser<string> = (cell, column) => {
  const code = codeText(18 * 4)(cell, column);
  if ('error' in code || code.value === undefined) return code;
  const problem = creditCodeProblem(code.value);
  if (!problem) return code;
  const [errorCode, message] = CREDIT_CODE_MESSAGES[problem] as [string, (column: string, code: string) => string];
  return fail(errorCode, message(column, code.value));
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
    return fail('invalid_choice', `「${column}」的值「${raw}」无效，应为：${rule.values.join('、')}`);
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
    return fail('invalid_date', `「${column}」的日期「${raw}」不存在`);
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
  if (Number.isNaN(ms) || ms < MIN_DATE_MS || ms > MAX_DATE_MS) return fail('invalid_date', `「${column}」的日期超出 1900–2100 年范围`);
  return { value: new Date(ms) };
}

function invalidDate(column: string, raw: string): { error: CellError } {
  return fail('invalid_date', `「${column}」的值「${raw}」不是有效日期（可用 YYYY-MM-DD、YYYY/MM/DD、YYYYMMDD 或 Excel 日期）`);
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
