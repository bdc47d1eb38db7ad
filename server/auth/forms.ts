// Owns the edge of the HTML forms of the auth and user pages: zod turns the untrusted body into
// typed strings (or field messages), and renderForm answers 422 with the error summary, the
// per-field messages and the values the person typed (never the passwords).
import type { Response } from 'express';
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../errors.js';
import { parseInput } from '../http/validate.js';

/** One form field: a single string (repeated fields arrive as arrays and are refused). */
export const text = (max = 200) => z.string({ error: 'validation.invalid' }).max(max, 'validation.too_long').optional().default('');

/** Codes of the shared text check (server/http/validate.ts), shown from the 'validation.' namespace. */
const TEXT_PROBLEMS = new Set(['control_character', 'malformed_unicode']);

export type FormResult<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

export function readForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const parsed = parseInput(schema, body);
  if (parsed.ok) return parsed;
  // The auth pages show only messages from the 'validation.' catalogue namespace.
  const fields: FieldErrors = {};
  for (const [key, message] of Object.entries(parsed.fields)) {
    fields[key === '_' ? '_form' : key] = message.startsWith('validation.') ? message : TEXT_PROBLEMS.has(message) ? `validation.${message}` : 'validation.invalid';
  }
  return { ok: false, fields };
}

/** Field names whose values are never echoed back into a page. */
const SECRET_FIELDS = new Set(['password', 'passwordConfirm', 'currentPassword', '_csrf']);

export function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_FIELDS.has(key)));
}

/** Renders a form page; with errors, status 422 (or the given one) and the typed values kept. */
export function renderForm(
  res: Response,
  view: string,
  locals: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number } & Record<string, unknown>,
): void {
  const errors = locals.errors ?? {};
  const status = locals.status ?? (Object.keys(errors).length > 0 ? 422 : 200);
  res.status(status).render(view, { ...locals, errors, values: withoutSecrets(locals.values ?? {}) });
}

/** Runs a use-case; a ValidationError it throws becomes field messages instead of an error page. */
export async function attempt<T>(run: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, fields: error.fields };
    throw error;
  }
}
