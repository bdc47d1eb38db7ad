// Owns the typed errors that domain code throws and routes, jobs and the CLI turn into
// answers. Each class fixes its HTTP status and a stable machine-readable code, so the one
// error handler never has to guess.

/** A value a catalogue message shows: text, a number, another message, or a list of them. */
export type MessageParam = string | number | LocalMessage | MessageList | readonly MessageParam[];
/** A list joined with a catalogue separator (default `message.separator`: 、 or ", "). */
export interface MessageList { list: readonly MessageParam[]; separator?: string }
/** A message by catalogue key, rendered in the reader's language where it is shown. */
export interface LocalMessage { key: string; params?: Record<string, MessageParam> }
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Renders a catalogue message, nested messages and lists included, with the reader's `t`. */
export function renderMessage(t: Translate, message: LocalMessage): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.params ?? {})) params[name] = renderParam(t, value);
  return t(message.key, params);
}

function renderParam(t: Translate, value: MessageParam): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Array.isArray(value)) return renderParam(t, { list: value });
  if ('list' in value) return value.list.map((item) => renderParam(t, item)).join(t(value.separator ?? 'message.separator'));
  return renderMessage(t, value as LocalMessage);
}

/**
 * Base class: an error whose message is safe to show to the caller. `message` is for logs and
 * tools; one that people read in their language also carries `localMessage` (a catalogue key
 * and params), which the error handler renders with the request's translator. `problem` is a
 * finer code under `code` (e.g. import_file_invalid → missing_columns), answered in JSON.
 */
export class AppError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal_error';
  problem?: string;
  localMessage?: LocalMessage;
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
  }

  /** Sets the catalogue message (and problem code); returns the error, for `throw new X(…).localized(…)`. */
  localized(message: LocalMessage, problem?: string): this {
    this.localMessage = message;
    if (problem) this.problem = problem;
    return this;
  }
}

/**
 * What an error says to a reader: its catalogue message if it has one; else the catalogue's
 * text for its code (`error.code.<code>`, client errors only); else what the thrower wrote.
 */
export function describeError(t: Translate, error: AppError): string {
  if (error.localMessage) return renderMessage(t, error.localMessage);
  const codeKey = `error.code.${error.code}`;
  const catalogued = t(codeKey);
  return catalogued !== codeKey && !(error instanceof ValidationError) ? catalogued : error.message;
}

/**
 * Field name → message code, shown next to form inputs (as the catalogue's `error.field.<code>`)
 * or returned in JSON. `_form` holds a problem of the whole form.
 */
export type FieldErrors = Record<string, string>;

/** Values a field's message shows, by field: {max} of too_long, {today} of date_in_future. */
export type FieldParams = Record<string, Record<string, string | number>>;

export class ValidationError extends AppError {
  override readonly status = 422;
  override readonly code = 'validation_failed';
  constructor(readonly fields: FieldErrors, message = 'The submitted data is not valid.', readonly params: FieldParams = {}) {
    super(message, { fields });
  }
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class ConflictError extends AppError {
  override readonly status = 409;
  override readonly code: string = 'conflict';
}

export class PayloadTooLargeError extends AppError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
}

export class BadRequestError extends AppError {
  override readonly status = 400;
  override readonly code: string = 'bad_request';
  constructor(message: string, code?: string, details?: Record<string, unknown>) {
    super(message, details);
    if (code) this.code = code;
  }
}

export class UnsupportedMediaTypeError extends AppError {
  override readonly status = 415;
  override readonly code = 'unsupported_media_type';
}

/** Any other client error a library raised with its own 4xx status (kept as it came). */
export class ClientError extends AppError {
  constructor(override readonly status: number, override readonly code: string, message: string) {
    super(message);
  }
}

/** The database is not reachable: callers may retry later. */
export class UnavailableError extends AppError {
  override readonly status = 503;
  override readonly code: string = 'unavailable';
}

/** Too much of one kind of work at once (e.g. draw verifications): retry in a few seconds. */
export class BusyError extends UnavailableError {
  override readonly code = 'busy';
  constructor(message: string, readonly retryAfterSeconds = 5) {
    super(message);
  }
}

/** Message codes for Mongoose's built-in validators (their own messages are English sentences). */
const MONGOOSE_KINDS: Record<string, string> = {
  required: 'required', maxlength: 'too_long', minlength: 'too_short', enum: 'invalid_choice',
  min: 'too_small', max: 'too_large', Date: 'invalid_date', Number: 'invalid_number',
};

/**
 * Converts a Mongoose ValidationError (duck-typed, to keep this module free of mongoose) into
 * field message codes: a built-in validator's kind becomes a code, a custom validator's message
 * is already one (models declare codes, never sentences; see error.field.* in server/i18n).
 */
export function fromMongooseValidation(error: unknown): ValidationError | undefined {
  if (!(error instanceof Error) || error.name !== 'ValidationError') return undefined;
  const raw = (error as Error & { errors?: Record<string, { message: string; kind?: string; properties?: { maxlength?: unknown } }> }).errors ?? {};
  const fields: FieldErrors = {};
  const params: FieldParams = {};
  for (const [path, item] of Object.entries(raw)) {
    fields[path] = MONGOOSE_KINDS[item.kind ?? ''] ?? (/^[a-z_.]+$/.test(item.message) ? item.message : 'invalid');
    if (typeof item.properties?.maxlength === 'number') params[path] = { max: item.properties.maxlength };
  }
  return new ValidationError(fields, undefined, params);
}

/** True for MongoDB's duplicate-key error (code 11000), on MongoDB and FerretDB alike. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
