// Owns validating one source row against a kind: every mapped cell is parsed (all of a row's
// problems are reported at once, one line each), required cells are checked, then the kind
// builds model fields and checks what spans columns. Pure apart from the context handed in.
import { cellText } from './cells.js';
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
    const parsed = spec.parse(cell, column);
    if ('error' in parsed) {
      errors.push(rowError(source.row, column, cellText(cell), parsed.error.code, parsed.error.message));
    } else if (parsed.value === undefined && spec.required) {
      errors.push(rowError(source.row, column, '', 'required', `「${column}」不能为空`));
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
      errors: built.errors.map((e) => rowError(source.row, headerOf(e.field), valueText.get(e.field) ?? '', e.code, e.message)),
    };
  }
  const keyColumn = built.keyColumn ?? kind.keyField;
  const keyCell = { column: headerOf(keyColumn), value: valueText.get(keyColumn) ?? built.key };
  return { ok: true, value: { row: source.row, key: built.key, fields: built.fields, unset: built.unset, keyCell } };
}

function labelOf(kind: KindDefinition, field: string): string {
  return kind.columns.find((spec) => spec.field === field)?.label ?? field;
}

export function rowError(row: number, column: string, value: string, code: string, message: string): ImportRowError {
  const shown = value.length > MAX_VALUE_IN_REPORT ? `${value.slice(0, MAX_VALUE_IN_REPORT)}…` : value;
  return { row, column, value: shown, code, message };
}
