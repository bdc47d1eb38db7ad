// Owns writing CSV, for every file the app produces (error reports, exports): csv-stringify
// quotes per RFC 4180 and neutralises formula prefixes (= + - @ TAB CR) with a leading
// apostrophe so that Excel shows a value rather than running it. Excel with a Chinese input
// method also treats the full-width ＝ ＋ － ＠ as formula starts, which csv-stringify does not
// know: those get the same apostrophe here.
import { stringify } from 'csv-stringify/sync';

const FULL_WIDTH_FORMULA_START = /^[\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Byte-order mark that makes Excel read a CSV as UTF-8 (Chinese would be garbled otherwise). */
export const EXCEL_UTF8_BOM = '\uFEFF';

/**
 * CSV lines (CRLF-terminated, as Excel writes them) for the given rows of text. Formula starts
 * are neutralised unless `neutraliseFormulas` is false — only for files that stand for another
 * system's export, fed back to the importer (test and benchmark inputs).
 */
export function csvLines(rows: readonly (readonly string[])[], options: { neutraliseFormulas?: boolean } = {}): string {
  const neutralise = options.neutraliseFormulas ?? true;
  return stringify(rows as string[][], {
    record_delimiter: 'windows',
    // A lone LF or CR inside a value must be quoted too, or Excel starts a new row there.
    quoted_match: /[\r\n]/,
    escape_formulas: neutralise,
    ...(neutralise ? { cast: { string: (value: string) => (FULL_WIDTH_FORMULA_START.test(value) ? `'${value}` : value) } } : {}),
  });
}

export function csvLine(fields: readonly string[], options: { neutraliseFormulas?: boolean } = {}): string {
  return csvLines([fields], options);
}
