// Text rules shared by every validator of the engine (DRAW-SPEC.md §1.1). Lengths are counted
// in Unicode code points, not UTF-16 units, so that a 40-character region name written in
// CJK Extension B (U+20000…, two UTF-16 units each) is 40 characters in every language. A
// lone surrogate is not Unicode text at all: it has no UTF-8 encoding (JavaScript would hash
// U+FFFD in its place, Python refuses to encode it), so it is refused like a control character.

const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Number of Unicode code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

export function hasControl(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * Why `text` is not an acceptable value of at most `max` code points (at least `min`), or null.
 * The UTF-16 length bounds the code-point count from above, so the count is only computed
 * for long strings.
 */
export function textProblem(text: string, max: number, min = 0): string | null {
  if (text.length > max && codePointLength(text) > max) return `longer than ${max} characters`;
  if (text.length < min) return min === 1 ? 'must not be empty' : `shorter than ${min} characters`;
  if (CONTROL.test(text)) return 'contains a control character';
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (a lone surrogate)';
  return null;
}
