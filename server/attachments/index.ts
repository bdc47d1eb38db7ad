// Attachments (photos and PDFs) stored in the database for any owner record — the public API.
// Routes decide who may upload, see and remove which file; this module decides what a file may
// be (JPEG, PNG, WebP or PDF by content; limits per file and per owner) and keeps it intact
// (SHA-256 computed on upload, checked on every download). See README: Attachments.
export { storeAttachment, CHUNK_BYTES, MAX_UPLOAD_MS, ABANDONED_AFTER_MS, type StoreAttachmentInput, type StoreAttachmentOptions } from './store.js';
export { openAttachment, listAttachments, removeAttachment, type OpenedAttachment, type AttachmentLookup } from './read.js';
export { sendAttachment, type SendOptions } from './send.js';
export { purgeAttachments, type AttachmentPurgeOutcome } from './purge.js';
export { AttachmentError, ATTACHMENT_ERROR_STATUS, type AttachmentErrorCode } from './errors.js';
export { attachmentLimitsFrom, attachmentUploadLimits, DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from './limits.js';
export { contentDisposition, sanitiseFileName } from './file-name.js';
export { detectAttachmentType } from './file-type.js';
export type { AttachmentInfo, AttachmentOwner } from './types.js';
