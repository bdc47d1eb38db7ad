// Owns what text the app accepts for storage: no control characters (tab, line feed and
// carriage return only where a field is multi-line) and only well-formed Unicode (no lone
// UTF-16 surrogates). A NUL or a lone surrogate breaks exports, other systems' parsers and
// sometimes the database driver; they never come from a person typing, only from broken files
// or attacks. Used at every edge (forms, imports, uploads) and by the models as a backstop.
import type { Schema } from 'mongoose';

/** C0 controls except TAB/LF/CR, DEL, and the C1 controls U+0080–U+009F. */
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** The same, with TAB, LF and CR refused too (single-line fields). */
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnsafeTextReason = 'control_character' | 'malformed_unicode';

/** Why `text` must not be stored, or undefined when it may. */
export function unsafeTextReason(text: string, options: { multiline?: boolean } = {}): UnsafeTextReason | undefined {
  if (LONE_SURROGATE.test(text)) return 'malformed_unicode';
  if ((options.multiline ? CONTROL_EXCEPT_WHITESPACE : ANY_CONTROL).test(text)) return 'control_character';
  return undefined;
}

export function hasUnsafeText(text: string, options: { multiline?: boolean } = {}): boolean {
  return unsafeTextReason(text, options) !== undefined;
}

/**
 * Adds the rule to every string path of a schema (strings, arrays of strings, and sub-documents),
 * so nothing the models store can hold a control character or malformed Unicode, whatever
 * code path writes it (forms and imports check first and say which field; this is the
 * backstop). A path declared with `multiline: true` may hold TAB, LF and CR.
 */
export function applySafeTextRule(schema: Schema): void {
  schema.eachPath((path, type) => {
    const options = type.options as { multiline?: boolean } | undefined;
    const multiline = options?.multiline === true;
    if (type.instance === 'String') {
      type.validate({ validator: (value: unknown) => typeof value !== 'string' || !hasUnsafeText(value, { multiline }), message: messageFor });
    } else if (type.instance === 'Array' && (type as unknown as { caster?: { instance?: string } }).caster?.instance === 'String') {
      type.validate({ validator: (values: unknown) => !Array.isArray(values) || values.every((v) => typeof v !== 'string' || !hasUnsafeText(v, { multiline })), message: messageFor });
    }
    const nested = (type as unknown as { schema?: Schema }).schema;
    if (nested) applySafeTextRule(nested);
  });
}

/** The field message code (shown as error.field.<code>). */
function messageFor(props: { value: unknown }): string {
  const values = Array.isArray(props.value) ? props.value : [props.value];
  const reasons = values.map((v) => (typeof v === 'string' ? unsafeTextReason(v) : undefined)).filter(Boolean);
  return reasons.includes('malformed_unicode') ? 'malformed_unicode' : 'control_character';
}
