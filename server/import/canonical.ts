// Owns comparing values the way the database stores them: one canonical text per value
// (object keys sorted, dates as ISO strings, absent/null/undefined alike), so that "is this
// row already in the database?" and "are these two rows of the file the same?" are exact.
// sameValue and rowHash give the canonical text's answers without building it for every row.
import { hash } from 'node:crypto';

export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? 'null';
}

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const hex = (value as { toHexString?: () => string }).toHexString;
    if (typeof hex === 'function') return { $oid: hex.call(value) };
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined && item !== null) out[key] = normalise(item);
    }
    return out;
  }
  return value;
}

/**
 * True when the stored value and the imported value are the same for the database's purposes:
 * the same answer as comparing their canonical texts, without building them (a re-import of
 * an unchanged roster compares every field of every row, lists of objects included).
 */
export function sameValue(stored: unknown, imported: unknown): boolean {
  if (absent(stored) || absent(imported)) return absent(stored) && absent(imported);
  if (typeof stored !== 'object' || typeof imported !== 'object') return stored === imported;
  if (stored instanceof Date || imported instanceof Date) {
    return stored instanceof Date && imported instanceof Date && stored.getTime() === imported.getTime();
  }
  if (Array.isArray(stored) || Array.isArray(imported)) {
    if (!Array.isArray(stored) || !Array.isArray(imported) || stored.length !== imported.length) return false;
    return stored.every((item, index) => sameValue(item, imported[index]));
  }
  const storedHex = hexOf(stored);
  const importedHex = hexOf(imported);
  if (storedHex !== undefined || importedHex !== undefined) return storedHex === importedHex;
  const storedKeys = presentKeys(stored as Record<string, unknown>);
  const importedKeys = presentKeys(imported as Record<string, unknown>);
  if (storedKeys.length !== importedKeys.length) return false;
  return storedKeys.every(
    (key) => Object.hasOwn(imported as object, key) && sameValue((stored as Record<string, unknown>)[key], (imported as Record<string, unknown>)[key]),
  );
}

const absent = (value: unknown) => value === undefined || value === null;

function hexOf(value: object): string | undefined {
  const hex = (value as { toHexString?: () => string }).toHexString;
  return typeof hex === 'function' ? hex.call(value) : undefined;
}

function presentKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => !absent(value[key]));
}

/**
 * 48 bits of SHA-256 over a row's fields: exact in a JavaScript number, so the in-file
 * duplicate check stores 8 bytes per row; a false "identical" needs a 1-in-2^48 collision.
 * Text, numbers and dates (nearly every field) are written with a type letter instead of
 * through canonical(): this runs for every row of every import. Absent fields are left out,
 * as canonical() leaves them out, so the hash is equal exactly when the canonical texts are.
 */
export function rowHash(fields: Record<string, unknown>, unset: readonly string[]): number {
  let text = '';
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (absent(value)) continue;
    const valueText = flatText(value);
    text += `${key}\u0000${valueText.length}:${valueText}`; // length-prefixed: no value can end the field early
  }
  return hash('sha256', `${text}\u0000${unset.join(',')}`, 'buffer').readUIntBE(0, 6);
}

function flatText(value: unknown): string {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') return `n${value}`;
  if (value instanceof Date) return `d${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}`;
  return `j${canonical(value)}`;
}
