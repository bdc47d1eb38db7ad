// Owns the words of the importer: a row error is a stable code (+ variant) with params and is
// turned into a sentence only where someone reads it — the CSV error report (in the language of
// whoever started the import), the run page and its sample errors (in the page's language). The
// sentences are the catalogues' `import.row.*` and `import.file.*` (server/i18n/*.json).
import { renderMessage, type LocalMessage, type MessageParam, type Translate } from '../errors.js';
import { translator, type Locale } from '../i18n/index.js';
import type { ImportFileError, ImportRowError } from './types.js';

/** Every row error code the importer emits, with the variants each has (for the catalogue test). */
export const ROW_MESSAGE_KEYS = [
  'too_long', 'too_long.certificate_as_id', 'numeric_precision', 'invalid_format.item_code',
  'credit_code_length', 'credit_code_characters', 'credit_code_check_digit', 'invalid_choice',
  'invalid_date', 'invalid_date.not_a_day', 'invalid_date.out_of_range',
  'required', 'required.id_or_certificate', 'required.with_certificate',
  'control_character', 'malformed_unicode', 'unknown_department', 'unknown_division',
  'roster_missing', 'list_mismatch', 'date_order', 'duplicate_conflict',
].map((key) => `import.row.${key}`);

/** Every file-level message (ImportFileError problem and variant, the 409 and the 413). */
export const FILE_MESSAGE_KEYS = [
  'file_not_found', 'unreadable_file.not_a_file', 'unreadable_file.unknown_kind',
  'empty_file', 'empty_file.no_header', 'empty_file.no_header_sheet',
  'missing_columns', 'missing_columns.column', 'missing_columns.column_with_aliases', 'missing_columns.needed_with',
  'missing_columns.or', 'missing_columns.separator',
  'encoding.unsupported', 'encoding.not_utf8', 'csv_syntax',
  'xlsx_invalid.structure', 'xlsx_invalid.no_sheet', 'xlsx_invalid.not_zip', 'xlsx_invalid.duplicate_part', 'xlsx_invalid.corrupt',
  'xlsx_invalid.xml', 'xlsx_invalid.no_references',
  'too_large.record', 'too_large.unpacked', 'too_large.parts', 'too_large.part', 'too_large.shared_strings', 'too_large.rich_text_runs', 'too_large.upload',
  'too_many_columns.header', 'too_many_columns.header_at_least', 'too_many_columns.row', 'too_many_rows',
  'running', 'running.unknown_run', 'no_error_report', 'error_report_gone', 'no_run',
].map((key) => `import.file.${key}`).concat(
  ['row', 'column', 'value', 'code', 'message'].map((name) => `import.report.header.${name}`),
  ['import.unknownColumn.repeated', 'message.separator'],
);

/** The catalogue message of a row error. */
export function rowMessage(error: ImportRowError): LocalMessage {
  const params: Record<string, MessageParam> = { column: error.column, value: error.value };
  for (const [name, value] of Object.entries(error.params ?? {})) params[name] = Array.isArray(value) ? { list: value } : value;
  return { key: `import.row.${error.code}${error.variant ? `.${error.variant}` : ''}`, params };
}

/** A row error as a reader sees it; a run stored before the catalogues shows its own message. */
export function rowErrorText(t: Translate, error: ImportRowError): string {
  if (!error.params && !error.variant && error.message) return error.message;
  return renderMessage(t, rowMessage(error));
}

/** Why a run failed: the file problem (or internal_error), its zh-CN text, and its catalogue message. */
export interface RunFailure {
  code: string;
  message: string;
  key?: string;
  params?: Record<string, MessageParam>;
}

export function failureOf(error: ImportFileError): RunFailure {
  const local = error.localMessage;
  return { code: error.problem, message: error.message, ...(local ? { key: local.key, params: local.params ?? {} } : {}) };
}

/** A run's failure as a reader sees it (old runs and internal errors: the stored text). */
export function failureText(t: Translate, failure: RunFailure): string {
  if (!failure.key) return failure.message;
  return renderMessage(t, { key: failure.key, params: failure.params ?? {} });
}

/** The CLI's language: --lang, else LANG/LC_ALL/LC_MESSAGES starting "en"; zh-CN otherwise (the product's language). */
export function cliLocale(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Locale {
  const wanted = flag ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return /^en/i.test(wanted) ? 'en' : 'zh-CN';
}

export { translator };
