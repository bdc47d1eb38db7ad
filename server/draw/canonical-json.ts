// Canonical JSON (DRAW-SPEC.md §14.1): the byte-exact encoding that announcements and roster
// lines are hashed in. It is RFC 8785 (JCS) restricted to values that every language writes
// alike: objects, arrays, strings without control characters or lone surrogates, safe
// integers, booleans and null — no fractions (a ratio is announced in parts per million).
// On that domain Python's json.dumps(v, ensure_ascii=False, sort_keys=True,
// separators=(',', ':')) writes the same text.
import { compareUtf8 } from './hash.js';
import { hasControl, hasLoneSurrogate } from './text.js';

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(message: string, readonly path: string) {
    super(path ? `${path}: ${message}` : message);
  }
}

function encodeString(s: string, path: string): string {
  if (hasControl(s)) throw new CanonicalJsonError('a control character cannot be announced', path);
  if (hasLoneSurrogate(s)) throw new CanonicalJsonError('not well-formed Unicode (a lone surrogate)', path);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`only integers are announced, got ${value}`, path);
    return String(value);
  }
  if (typeof value === 'string') return encodeString(value, path);
  if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort(compareUtf8);
    const members = keys.map((k) => `${encodeString(k, path)}:${encode((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k)}`);
    return `{${members.join(',')}}`;
  }
  throw new CanonicalJsonError(`cannot encode a ${typeof value}`, path);
}

/** The canonical text of a JSON value (members whose value is undefined are left out). */
export function canonicalJson(value: unknown): string {
  return encode(value, '');
}
