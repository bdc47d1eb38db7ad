// Owns the one way an HTML form is handled, for every page that has one:
//   1. readForm: zod (after parseInput's check of every text for control characters and
//      malformed Unicode) turns the untrusted body into a typed value, or into field codes;
//   2. attempt: the use case runs with the typed value; a ValidationError it throws (a rule
//      that needs the database: a code already taken…) becomes field codes as well;
//   3. renderForm: on failure the page is rendered again with 422, `errors` (field → code),
//      `errorParams` and `values` (what the person typed, never a password).
// Codes are bare (`required`, `too_long`, `password.mismatch`); views/partials/field.ejs and
// error-summary.ejs show them as the catalogue's `error.field.<code>` with their params. So:
//
//   const form = readForm(entryEditSchema, req.body);
//   const outcome = form.ok ? await attempt(() => updateEntry(name, code, form.value, changeContext(req))) : form;
//   if (!outcome.ok) return renderForm(res, 'admin/dictionaries/index', { lists, values: req.body }, outcome);
//   setFlash(req, 'flash.saved');
//   res.redirect(303, '/admin/dictionaries');
import type { Response } from 'express';
import { z } from 'zod';
import { fromMongooseValidation, ValidationError, type FieldErrors, type FieldParams } from '../errors.js';
import { parseInput, type ParseOptions } from './validate.js';

/** A form field that is one string (repeated fields arrive as arrays and are refused), kept as typed: passwords are never trimmed. */
export const text = (max = 200) => z.string({ error: 'invalid' }).max(max, 'too_long').optional().default('');

/** A checkbox: present ("on") is true, absent is false. */
export const checkbox = () => z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

/** A failed form: field → message code, and the values those messages show. */
export interface FormProblem {
  fields: FieldErrors;
  params?: FieldParams | undefined;
}

export type FormResult<T> = { ok: true; value: T } | ({ ok: false } & FormProblem);

/** Validates a form body; a problem of the whole body (not of one field) is reported as `_form`. */
export function readForm<S extends z.ZodType>(schema: S, body: unknown, options: ParseOptions = {}): FormResult<z.output<S>> {
  const parsed = parseInput(schema, body, options);
  if (parsed.ok) return parsed;
  const fields = Object.fromEntries(Object.entries(parsed.fields).map(([key, code]) => [key === '_' ? '_form' : key, code]));
  const params = Object.fromEntries(Object.entries(parsed.params).map(([key, values]) => [key === '_' ? '_form' : key, values]));
  return { ok: false, fields, params };
}

/**
 * Runs a use case; a ValidationError it throws becomes field codes instead of an error page. So
 * does a model's own validation error (mongoose's ValidationError from a create or save, e.g. the
 * safe-text backstop): its paths are the model's, which onForm maps to field names where they differ.
 */
export async function attempt<T>(run: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const validation = error instanceof ValidationError ? error : fromMongooseValidation(error);
    if (validation) return { ok: false, fields: validation.fields, params: validation.params };
    throw error;
  }
}

/**
 * A use case's problem on a form's field names: `names` maps a domain path (`reason`,
 * `strata.0.quota`) to the field that shows it, the message values move along, and `extra` adds
 * values a use case leaves out (e.g. {today} of date_in_future). When several paths land on one
 * field, the first message is shown. Codes pass through as they are: they are already the
 * catalogue's bare codes.
 */
export function onForm(problem: FormProblem, names: Readonly<Record<string, string>> = {}, extra: Record<string, Record<string, string | number>> = {}): FormProblem {
  const fields: FieldErrors = {};
  const params: FieldParams = {};
  for (const [path, code] of Object.entries(problem.fields)) {
    const name = names[path] ?? path;
    if (fields[name] !== undefined) continue;
    fields[name] = code;
    const values = { ...(problem.params?.[path] ?? {}), ...(extra[name] ?? {}) };
    if (Object.keys(values).length > 0) params[name] = values;
  }
  return { fields, params };
}

/** Field names whose values are never echoed back into a page. */
const SECRET_FIELDS = new Set(['password', 'passwordConfirm', 'currentPassword', '_csrf']);

export function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_FIELDS.has(key)));
}

export interface FormLocals {
  /** What the fields show: the stored record's values, or what was submitted. */
  values?: Record<string, unknown> | undefined;
  /** Another status than 422 for a failure (e.g. 401 for a wrong password at login). */
  status?: number;
}

/**
 * Renders a form page: 200 without a problem, else 422 (or `locals.status`) with `errors`,
 * `errorParams` and the values kept, secrets removed.
 */
export function renderForm(res: Response, view: string, locals: FormLocals & Record<string, unknown>, problem?: FormProblem): void {
  const errors = problem?.fields ?? {};
  const failed = Object.keys(errors).length > 0;
  const status = locals.status ?? (failed ? 422 : 200);
  res.status(status).render(view, { ...locals, errors, errorParams: problem?.params ?? {}, values: withoutSecrets(locals.values ?? {}) });
}
