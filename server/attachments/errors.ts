// Owns the refusals of an attachment, each with a stable code (answered in JSON as `code`), an
// HTTP status for the routes, and a catalogue message in the reader's language.
import { AppError, renderMessage, type MessageParam } from '../errors.js';
import { translator } from '../i18n/index.js';
import { ACCEPTED_FORMAT_NAMES } from './file-type.js';

export const ATTACHMENT_ERROR_STATUS = {
  /** The content is not JPEG, PNG, WebP or PDF (whatever its name or declared type says). */
  attachment_type: 415,
  /** Larger than the per-file limit; refused while streaming, nothing kept. */
  attachment_too_large: 413,
  /** No bytes at all. */
  attachment_empty: 422,
  /** The owner already has as many files as allowed. */
  attachment_too_many: 409,
  /** The owner's files together would exceed their total size limit. */
  attachment_quota: 409,
  /** The upload took longer than an upload may (see store.ts); nothing kept. */
  attachment_timeout: 408,
} as const;
export type AttachmentErrorCode = keyof typeof ATTACHMENT_ERROR_STATUS;

export class AttachmentError extends AppError {
  override readonly status: number;
  override readonly code: AttachmentErrorCode;
  constructor(code: AttachmentErrorCode, params: Record<string, MessageParam> = {}) {
    const localMessage = { key: `attachment.error.${code}`, params };
    // `message` (logs, tools) in zh-CN; routes render localMessage in the reader's language.
    super(renderMessage(translator('zh-CN'), localMessage), { ...params });
    this.code = code;
    this.status = ATTACHMENT_ERROR_STATUS[code];
    this.localized(localMessage);
  }
}

const MiB = 1024 * 1024;
const megabytes = (bytes: number) => Math.floor(bytes / MiB);

export const attachmentErrors = {
  type: () => new AttachmentError('attachment_type', { types: { list: [...ACCEPTED_FORMAT_NAMES] } }),
  tooLarge: (maxBytes: number) => new AttachmentError('attachment_too_large', { limit: megabytes(maxBytes) }),
  empty: () => new AttachmentError('attachment_empty'),
  tooMany: (maxFiles: number) => new AttachmentError('attachment_too_many', { limit: maxFiles }),
  quota: (maxBytes: number) => new AttachmentError('attachment_quota', { limit: megabytes(maxBytes) }),
  timeout: (maxMinutes: number) => new AttachmentError('attachment_timeout', { limit: maxMinutes }),
};
