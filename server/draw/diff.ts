// First difference between two JSON values, with a path a person can follow
// ("strata[3].selected[17]"). Verification reports only the first one: once a pick differs,
// everything after it usually differs too, and the first is the one worth investigating.

export interface Difference {
  path: string;
  expected: unknown;
  actual: unknown;
}

const MISSING = '(missing)';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Walks `expected` in its own key order; arrays element by element, then extra entries. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): Difference | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path, expected: 'an array', actual };
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i += 1) {
      const d = firstDifference(expected[i], actual[i], join(path, i));
      if (d) return d;
    }
    if (expected.length > n) return { path: join(path, n), expected: expected[n], actual: MISSING };
    if (actual.length > n) return { path: join(path, n), expected: MISSING, actual: actual[n] };
    return null;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return { path, expected: 'an object', actual };
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) return { path: join(path, key), expected: expected[key], actual: MISSING };
      const d = firstDifference(expected[key], actual[key], join(path, key));
      if (d) return d;
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) return { path: join(path, key), expected: MISSING, actual: actual[key] };
    }
    return null;
  }
  return Object.is(expected, actual) ? null : { path, expected, actual };
}

export function describeDifference(d: Difference): string {
  const show = (v: unknown): string => (v === MISSING ? MISSING : JSON.stringify(v) ?? String(v));
  return `${d.path || '(record)'}: expected ${show(d.expected)}, got ${show(d.actual)}`;
}
