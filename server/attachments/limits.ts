// Owns the limits of attachments: per file (ATTACHMENT_MAX_MB), per owner (count and total),
// and the multipart limits a route passes to server/http/multipart.ts for an attachment upload.
import type { UploadLimits } from '../http/multipart.js';

export interface AttachmentLimits {
  /** Largest file, in bytes; refused while streaming beyond it. */
  maxFileBytes: number;
  /** Files one owner may have. */
  maxFilesPerOwner: number;
  /** Bytes one owner's files may take together. */
  maxBytesPerOwner: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_ATTACHMENT_LIMITS: Readonly<AttachmentLimits> = Object.freeze({
  maxFileBytes: 10 * MiB,
  maxFilesPerOwner: 20,
  maxBytesPerOwner: 100 * MiB,
});

/** The limits under the app's configuration (ATTACHMENT_MAX_MB; the per-owner ones are fixed). */
export function attachmentLimitsFrom(config: { ATTACHMENT_MAX_MB: number }): AttachmentLimits {
  const maxFileBytes = config.ATTACHMENT_MAX_MB * MiB;
  return { ...DEFAULT_ATTACHMENT_LIMITS, maxFileBytes, maxBytesPerOwner: Math.max(DEFAULT_ATTACHMENT_LIMITS.maxBytesPerOwner, maxFileBytes) };
}

/**
 * Multipart limits for an attachment upload: one byte more than the file limit (the reader
 * refuses a file that reaches its limit, so a file of exactly maxFileBytes passes). When the
 * reader stops an oversized file, storeAttachment answers attachment_too_large all the same.
 */
export function attachmentUploadLimits(limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): UploadLimits {
  return { maxFileBytes: limits.maxFileBytes + 1 };
}
