// Owns echoing a query string back into a filter form: every value as a string ('' for
// repeated or missing parameters), never trusted — the filter itself is parsed with zod.
export function queryStrings(query: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(query as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}
