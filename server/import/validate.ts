// Owns validating one source row against a kind: every mapped cell is parsed (all of a row's
// problems are reported at once, one line each), required cells are checked, then the kind
// builds model fields and checks what spans columns. Pure apart from the context handed in.
import { cellText, type CellError } from './cells.js';
import { unsafeTextReason } from '../../models/safe-text.js';
import type { ColumnMapping } from './columns.js';
import type { KindContext, KindDefinition } from './kinds/kind.js';
import type { ImportRowError, SourceRow, ValidationOutcome } from './types.js';

const MAX_VALUE_IN_REPORT = 200;

export function validateRow(kind: KindDefinition, mapping: ColumnMapping, source: SourceRow, context: KindContext): ValidationOutcome {
  const errors: ImportRowError[] = [];
  const values: Record<string, unknown> = {};
  const valueText = new Map<string, string>();
  mapping.byIndex.forEach((spec, index) => {
    if (!spec) return;
    const cell = source.cells[index] ?? null;
    const column = mapping.headers[index] as string;
    valueText.set(spec.field, cellText(cell));
    const unsafe = typeof cell === 'string' ? unsafeTextReason(cell) : undefined;
    if (unsafe) {
      errors.push(rowError(source.row, column, cell as string, { code: unsafe }));
      return;
    }
    const parsed = spec.parse(cell, column);
    if ('error' in parsed) {
      errors.push(rowError(source.row, column, cellText(cell), parsed.error));
    } else if (parsed.value === undefined && spec.required) {
      errors.push(rowError(source.row, column, '', { code: 'required' }));
    } else {
      values[spec.field] = parsed.value;
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  const headerOf = (field: string) => mapping.mapped.find((m) => m.field === field)?.header ?? labelOf(kind, field);
  const built = kind.build({ values, present: mapping.present, headerOf, context });
  if ('errors' in built) {
    return {
      ok: false,
      errors: built.errors.map((e) => rowError(source.row, headerOf(e.field), valueText.get(e.field) ?? '', e)),
    };
  }
  const keyColumn = built.keyColumn ?? kind.keyField;
  const keyCell = { column: headerOf(keyColumn), value: valueText.get(keyColumn) ?? built.key };
  return { ok: true, value: { row: source.row, key: built.key, fields: built.fields, unset: built.unset, keyCell } };
}

function labelOf(kind: KindDefinition, field: string): string {
  return kind.columns.find((spec) => spec.field === field)?.label ?? field;
}

/** A row error: code, variant and params as the parser or builder gave them; column and value made visible. */
export function rowError(row: number, column: string, value: string, problem: CellError): ImportRowError {
  const shown = value.length > MAX_VALUE_IN_REPORT ? `${value.slice(0, MAX_VALUE_IN_REPORT)}…` : value;
  const params = problem.params && Object.fromEntries(Object.entries(problem.params).map(([name, v]) => [name, typeof v === 'string' ? visible(v) : v]));
  return {
    row, column: visible(column), value: visible(shown), code: problem.code,
    ...(problem.variant ? { variant: problem.variant } : {}), ...(params ? { params } : {}),
  };
}

/** The report shows what was wrong without carrying it on: control characters as \uXXXX, lone surrogates as U+FFFD. */
function visible(text: string): string {
  return text.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
