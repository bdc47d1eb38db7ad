// Owns an inspection's attachments as use cases: who may add or remove one and when (the
// current team, while the findings may still change: after the check-in, before submission,
// or after a return), and the audit entry of each upload and removal. What a file may be, and
// keeping it intact, is server/attachments/'s; reading and downloading need no use case (whoever
// may see the inspection may read its files). Each audit entry is keyed by the file and the
// change (recordAuditOnce), so a retried call never records it twice.
import type { Readable } from 'node:stream';
import type { InspectionRecord } from '../../models/inspection.js';
import { removeAttachment, storeAttachment, type AttachmentInfo, type AttachmentLimits, type AttachmentOwner } from '../attachments/index.js';
import { recordAuditOnce } from '../audit/chain.js';
import { ConflictError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { assertTeam } from './access.js';
import { TRANSITIONS } from './lifecycle.js';

type Target = InspectionRecord;

export const attachmentOwner = (inspection: Pick<InspectionRecord, '_id'>): AttachmentOwner => ({ kind: 'inspection', id: inspection._id });

/** Attachments change exactly while the findings may: the states findings can be entered in. */
export function attachmentsOpen(inspection: Pick<InspectionRecord, 'state'>): boolean {
  return (TRANSITIONS.enterFindings.from as readonly string[]).includes(inspection.state);
}

/** Only the current team, and only while the findings may change (ForbiddenError, ConflictError). */
export function assertAttachmentsOpen(acting: Acting, inspection: Target): void {
  assertTeam(acting, inspection);
  if (!attachmentsOpen(inspection)) {
    throw new ConflictError('Attachments change only while the findings can.').localized({ key: 'inspections.attachments.closed' }, 'inspection_state');
  }
}

async function audit(acting: Acting, inspection: Target, once: string, action: string, after: Record<string, unknown>): Promise<void> {
  await recordAuditOnce(once, {
    actor: acting.actor, requestId: acting.requestId, action,
    target: { type: 'inspection', id: String(inspection._id), label: `${inspection.taskNumber} ${inspection.creditCode}` }, after,
  });
}

export interface AttachmentUpload {
  fileName: string;
  stream: Readable | AsyncIterable<Uint8Array>;
}

/** Stores `upload` as an attachment of `inspection` and audits it (inspection.attachment_add). */
export async function addInspectionAttachment(
  inspection: Target, upload: AttachmentUpload, acting: Acting, options: { limits?: AttachmentLimits; now?: () => Date } = {},
): Promise<AttachmentInfo> {
  assertAttachmentsOpen(acting, inspection);
  const uploadedBy = acting.actor.kind === 'user' ? { userId: acting.actor.userId, username: acting.actor.label } : { username: acting.actor.label };
  const stored = await storeAttachment({ owner: attachmentOwner(inspection), fileName: upload.fileName, stream: upload.stream, uploadedBy }, options);
  await audit(acting, inspection, `attachment|${stored.id}|stored`, 'inspection.attachment_add', { file: stored.id, fileName: stored.fileName, size: stored.size, sha256: stored.sha256 });
  return stored;
}

/** Removes attachment `fileId` of `inspection` and audits it (inspection.attachment_remove). */
export async function removeInspectionAttachment(inspection: Target, fileId: string, acting: Acting): Promise<AttachmentInfo> {
  assertAttachmentsOpen(acting, inspection);
  const removed = await removeAttachment(fileId, { owner: attachmentOwner(inspection) });
  await audit(acting, inspection, `attachment|${removed.id}|removed`, 'inspection.attachment_remove', { file: removed.id, fileName: removed.fileName, sha256: removed.sha256 });
  return removed;
}
