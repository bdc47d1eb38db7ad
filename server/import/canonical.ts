// Owns comparing values the way the database stores them: one canonical text per value
// (object keys sorted, dates as ISO strings, absent/null/undefined alike), so that "is this
// row already in the database?" and "are these two rows of the file the same?" are exact.
import { createHash } from 'node:crypto';

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

/** True when the stored value and the imported value are the same for the database's purposes. */
export function sameValue(stored: unknown, imported: unknown): boolean {
  // Most fields are text, numbers or dates: compared directly, they cost no canonical text
  // (a re-import of an unchanged roster compares every field of every row).
  const absent = (value: unknown) => value === undefined || value === null;
  if (absent(stored) || absent(imported)) return absent(stored) && absent(imported);
  if (typeof stored !== 'object' && typeof imported !== 'object') return stored === imported;
  if (stored instanceof Date && imported instanceof Date) return stored.getTime() === imported.getTime();
  return canonical(stored) === canonical(imported);
}

/**
 * 48 bits of SHA-256 over a row's fields: exact in a JavaScript number, so the in-file
 * duplicate check stores 8 bytes per row; a false "identical" needs a 1-in-2^48 collision.
 */
export function rowHash(fields: Record<string, unknown>, unset: readonly string[]): number {
  const digest = createHash('sha256').update(canonical(fields)).update('\u0000').update(unset.join(',')).digest();
  return digest.readUIntBE(0, 6);
}
