// Owns validation at the HTTP edge: a zod schema turns an untrusted query or body into a typed
// value, or into field messages that a form shows next to its inputs (422) or an API returns.
import { z } from 'zod';
import { ValidationError, type FieldErrors, type FieldParams } from '../errors.js';
import { unsafeTextReason } from '../../models/safe-text.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors; params: FieldParams };

export interface ParseOptions {
  /** Fields that may hold TAB, LF and CR (multi-line text areas). */
  multiline?: readonly string[];
}

/**
 * Checks the input against the schema. Before any schema rule, every text value is checked for
 * control characters and malformed Unicode (models/safe-text.ts), whichever form it comes
 * from, so no field can store them; such a field gets the code `control_character` or
 * `malformed_unicode`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, options: ParseOptions = {}): Parsed<z.output<S>> {
  const fields: FieldErrors = unsafeTextFields(input, options);
  const params: FieldParams = {};
  const result = schema.safeParse(input ?? {});
  if (result.success && Object.keys(fields).length === 0) return { ok: true, value: result.data };
  for (const issue of result.success ? [] : result.error.issues) {
    // A checkbox group's bad item (methods.1) is a problem of the group.
    const key = issue.path.filter((part) => typeof part !== 'number').join('.') || '_';
    if (fields[key] !== undefined) continue;
    fields[key] = issue.message;
    const values = issueParams(issue);
    if (values) params[key] = values;
  }
  return { ok: false, fields, params };
}

/** The numbers a message may show: {max} of too_long, {min}, or a custom issue's own params. */
function issueParams(issue: z.core.$ZodIssue): Record<string, string | number> | undefined {
  if (issue.code === 'too_big') return { max: Number(issue.maximum) };
  if (issue.code === 'too_small') return { min: Number(issue.minimum) };
  if (issue.code === 'custom' && issue.params) return issue.params as Record<string, string | number>;
  return undefined;
}

function unsafeTextFields(input: unknown, options: ParseOptions): FieldErrors {
  const fields: FieldErrors = {};
  if (typeof input !== 'object' || input === null) return fields;
  for (const [key, value] of Object.entries(input)) {
    const texts = Array.isArray(value) ? value : [value];
    for (const text of texts) {
      const reason = typeof text === 'string' ? unsafeTextReason(text, { multiline: options.multiline?.includes(key) ?? false }) : undefined;
      if (reason) fields[key] ??= reason;
    }
  }
  return fields;
}

/** Like parseInput, but throws ValidationError (for JSON APIs, where the error handler answers 422). */
export function requireInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = parseInput(schema, input);
  if (!parsed.ok) throw new ValidationError(parsed.fields, undefined, parsed.params);
  return parsed.value;
}

/** Escapes a user's text for use inside a RegExp (search boxes are literal, never patterns). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Treats an empty form value ("" from an unselected <select>) as absent, then applies the schema. */
export function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}
