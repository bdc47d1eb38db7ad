// Shared shapes of the import engine: what a source yields (cells, rows), what validation
// returns, and the one error class for problems with the file as a whole.
import { AppError, renderMessage, type MessageParam } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { ImportKind, ImportRowError } from '../../models/import-run.js';

export type { ImportKind, ImportRowError };

/** A cell as read: CSV gives strings; XLSX may also give numbers, booleans and dates. */
export type Cell = string | number | boolean | Date | null;

export interface SourceRow {
  /** The spreadsheet row number people see (the header is row 1). */
  row: number;
  cells: Cell[];
}

/** A row that passed validation, ready for the writer. */
export interface ValidRow {
  row: number;
  /** Natural key value (credit code, inspector id or certificate number, item code). */
  key: string;
  /** Model fields with values from the file; columns present but empty are in `unset`. */
  fields: Record<string, unknown>;
  unset: string[];
  /** The key as the file wrote it, and its column: for the in-file duplicate message. */
  keyCell: { column: string; value: string };
}

export type ValidationOutcome = { ok: true; value: ValidRow } | { ok: false; errors: ImportRowError[] };

export type FileProblem =
  | 'file_not_found'
  | 'unreadable_file'
  | 'empty_file'
  | 'missing_columns'
  | 'encoding'
  | 'csv_syntax'
  | 'xlsx_invalid'
  | 'too_large'
  | 'too_many_columns'
  | 'too_many_rows';

/**
 * The file as a whole cannot be imported (missing required column, undecodable bytes…).
 * A 422 for the web route; a non-zero exit for the CLI. The message people read is the
 * catalogue's `import.file.<problem>` (or `import.file.<problem>.<variant>` where one problem
 * has several causes) with `params`, in the reader's language; `message` is its zh-CN text,
 * for logs and for what still reads `.message`.
 */
export class ImportFileError extends AppError {
  override readonly status = 422;
  override readonly code = 'import_file_invalid';
  override readonly problem: FileProblem;
  constructor(problem: FileProblem, variant: string | undefined, params: Record<string, MessageParam> = {}, details?: Record<string, unknown>) {
    const localMessage = { key: `import.file.${problem}${variant ? `.${variant}` : ''}`, params };
    super(renderMessage(translator('zh-CN'), localMessage), { problem, ...details });
    this.problem = problem;
    this.localMessage = localMessage;
  }
}
