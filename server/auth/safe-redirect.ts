// Owns the one rule for redirects that come from user input (e.g. ?returnTo= after login):
// only a path on this site. Protocol-relative (//evil), backslash (/\evil) and absolute URLs,
// control characters and over-long values all fall back to the default.

const MAX_LENGTH = 2000;

/** The value when it is a safe local path (with its query), otherwise `fallback`. */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  // Browsers treat "\" like "/" and ignore tabs/newlines inside URLs: refuse both outright.
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(value, 'http://local.invalid');
  } catch {
    return fallback;
  }
  if (parsed.origin !== 'http://local.invalid') return fallback;
  const path = `${parsed.pathname}${parsed.search}`;
  // Returning to the login page itself would only loop.
  if (/^\/login(\/|\?|$)/i.test(path)) return fallback;
  return path;
}
