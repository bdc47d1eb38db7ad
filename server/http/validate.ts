// Owns validation at the HTTP edge: a zod schema turns an untrusted query or body into a typed
// value, or into field messages that a form shows next to its inputs (422) or an API returns.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../errors.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  return { ok: false, fields };
}

/** Like parseInput, but throws ValidationError (for JSON APIs, where the error handler answers 422). */
export function requireInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = parseInput(schema, input);
  if (!parsed.ok) throw new ValidationError(parsed.fields);
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
