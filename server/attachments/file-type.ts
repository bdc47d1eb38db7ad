// Owns what an attachment is, judged by its first bytes (its "magic number") — never by the
// name or the type the client declared, which anyone can set. Only formats people attach to
// findings are accepted: JPEG, PNG and WebP photos, and PDF documents.
import type { AttachmentType } from '../../models/attachment.js';

/** Bytes needed to recognise every accepted format (WebP's "WEBP" ends at offset 12). */
export const SNIFF_BYTES = 12;

interface Format {
  type: AttachmentType;
  /** The extension given to a file of this type; `aliases` are other spellings kept as they are. */
  extension: string;
  aliases: string[];
  /** Bytes (or null for "any byte") that must open the file. */
  signature: (number | null)[];
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const FORMATS: Format[] = [
  { type: 'image/jpeg', extension: '.jpg', aliases: ['.jpeg', '.jpe'], signature: [0xff, 0xd8, 0xff] },
  { type: 'image/png', extension: '.png', aliases: [], signature: [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/webp', extension: '.webp', aliases: [], signature: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')] },
  // At offset 0 only: readers tolerate junk before the header, which is how polyglots are made.
  { type: 'application/pdf', extension: '.pdf', aliases: [], signature: ascii('%PDF-') },
];

/** Names of the accepted formats, for messages. */
export const ACCEPTED_FORMAT_NAMES = ['JPEG', 'PNG', 'WebP', 'PDF'] as const;

/** The accepted type whose signature opens `head` (at least SNIFF_BYTES, or the whole file), or undefined. */
export function detectAttachmentType(head: Uint8Array): AttachmentType | undefined {
  return FORMATS.find((format) => format.signature.length <= head.length && format.signature.every((byte, i) => byte === null || head[i] === byte))?.type;
}

/** The extension a file of `type` is saved with, and every extension that already fits it. */
export function extensionsOf(type: AttachmentType): { preferred: string; accepted: string[] } {
  const format = FORMATS.find((f) => f.type === type) as Format;
  return { preferred: format.extension, accepted: [format.extension, ...format.aliases] };
}

/** Every extension of an accepted format (a name ending in another one of these is corrected). */
export const KNOWN_EXTENSIONS: readonly string[] = FORMATS.flatMap((f) => [f.extension, ...f.aliases]);

/** Images are shown inline; so are PDFs (browsers render them in their sandboxed viewer). */
export function isImage(type: AttachmentType): boolean {
  return type.startsWith('image/');
}
