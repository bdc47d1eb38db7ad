// Owns an attachment's name as people see it and as browsers receive it: a sanitised display
// name (no path, no control or bidirectional-override characters — "photo\u202Egpj.exe" would
// display as "photoexe.jpg" — no characters Windows forbids, bounded length, an extension that
// matches the content), and the Content-Disposition header carrying it (RFC 6266 with RFC 5987
// `filename*` for Chinese names, an ASCII `filename` for old clients).
import type { AttachmentType } from '../../models/attachment.js';
import { extensionsOf, KNOWN_EXTENSIONS } from './file-type.js';

/** Code points kept of a name (the extension included); file systems allow 255 bytes. */
export const MAX_NAME_CHARS = 120;
const FALLBACK_BASE = 'attachment';

/** Controls, format characters (bidi overrides, zero-width), line/paragraph separators, lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
/** Characters Windows forbids in names, and the escape and quote of header syntax. */
const FORBIDDEN = /["*/:<>?\\|]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * The name to store and show for an upload called `raw` whose content is `type`: the last
 * path segment, cleaned, and an extension fitting the content (replacing the extension of
 * another accepted format, otherwise appended: "现场照片" → "现场照片.jpg", "x.png" of a JPEG →
 * "x.jpg", "report.exe" of a PDF → "report.exe.pdf").
 */
export function sanitiseFileName(raw: string, type: AttachmentType): string {
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(INVISIBLE, '').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim();
  let { base, extension } = splitExtension(cleaned);
  const { preferred, accepted } = extensionsOf(type);
  if (!accepted.includes(extension.toLowerCase())) {
    if (!KNOWN_EXTENSIONS.includes(extension.toLowerCase())) base += extension;
    extension = preferred;
  }
  // Leading dots hide files; trailing dots and spaces are dropped by Windows.
  base = base.replace(/^[.\s]+|[.\s]+$/g, '');
  if (base === '' || WINDOWS_DEVICE.test(base)) base = base === '' ? FALLBACK_BASE : `_${base}`;
  const room = MAX_NAME_CHARS - [...extension].length;
  return [...base].slice(0, room).join('').trimEnd() + extension;
}

function splitExtension(name: string): { base: string; extension: string } {
  const match = /^(.*?)(\.[^.\s]{1,10})$/u.exec(name);
  return match ? { base: match[1] as string, extension: match[2] as string } : { base: name, extension: '' };
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (or `inline`). `fileName` is a name made by
 * sanitiseFileName (no quotes, backslashes or controls). The ASCII fallback replaces each run
 * of other characters with "_" and keeps the extension.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', fileName: string): string {
  const { base, extension } = splitExtension(fileName);
  const asciiBase = base.replace(/[^\x20-\x7e]+/g, '_').replace(/[%"\\]/g, '_');
  const fallback = (/[A-Za-z0-9]/.test(asciiBase) ? asciiBase : FALLBACK_BASE) + extension.replace(/[^\x20-\x7e]/g, '_');
  const header = `${disposition}; filename="${fallback}"`;
  return fallback === fileName ? header : `${header}; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** RFC 5987 value-chars: encodeURIComponent leaves ' ( ) * unencoded, which attr-char does not allow. */
function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
