// Owns an inspection's attachments (photos and PDFs of the findings) over HTTP: the current
// team uploads and removes them while the findings can still change (after the check-in, before
// submission, or after a return); whoever may see the inspection downloads them. The upload is
// streamed from the multipart body into server/attachments/ (which judges the type by content
// and enforces the limits); every upload and removal is audited. A refused file is shown on the
// page with its message and status (413, 415, 409, 422).
import type { Request, Response, Router } from 'express';
import type { InspectionRecord } from '../../models/inspection.js';
import {
  attachmentUploadLimits, DEFAULT_ATTACHMENT_LIMITS, openAttachment, removeAttachment, sendAttachment, storeAttachment, type AttachmentLimits, type AttachmentOwner,
} from '../attachments/index.js';
import { setFlash } from '../auth/session.js';
import { AppError, ConflictError, describeError, ValidationError } from '../errors.js';
import { withUploadedFile } from '../http/multipart.js';
import { assertTeam } from '../inspections/access.js';
import type { InspectionSettings } from '../inspections/settings.js';
import { recordAuditOnce } from '../audit/chain.js';
import type { Acting } from '../plans/acting.js';
import { onForm } from './inspections-forms.js';
import { EDITABLE, inspectionPath, renderInspection, viewing, type InspectionRequest, type Viewing } from './inspections-page.js';
import { viewer } from './plans-forms.js';

type FileRequest = Request<{ id: string; file: string }>;

const ownerOf = (inspection: Pick<InspectionRecord, '_id'>): AttachmentOwner => ({ kind: 'inspection', id: inspection._id });

/** Only the current team, and only while the findings may change. */
function assertMayChange({ acting, inspection }: Viewing): void {
  assertTeam(acting, inspection);
  if (!EDITABLE.includes(inspection.state)) {
    throw new ConflictError('Attachments change only while the findings can.').localized({ key: 'inspections.attachments.closed' }, 'inspection_state');
  }
}

async function audit(acting: Acting, inspection: InspectionRecord, once: string, action: string, after: Record<string, unknown>): Promise<void> {
  await recordAuditOnce(once, {
    actor: acting.actor, requestId: acting.requestId, action,
    target: { type: 'inspection', id: inspection._id, label: `${inspection.taskNumber} ${inspection.creditCode}` }, after,
  });
}

export function attachmentRoutes(router: Router, settings: InspectionSettings, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): void {
  /** A refusal of the domain or of the file: the page again, with the message and the status. */
  async function refuse(req: InspectionRequest, res: Response, error: unknown): Promise<void> {
    if (error instanceof ValidationError) return renderInspection(req, res, settings, { status: 422, problem: onForm({ fields: error.fields, params: error.params }) });
    if (error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 400 && error.status !== 404) {
      return renderInspection(req, res, settings, { status: error.status, refusal: describeError(res.locals.t, error) });
    }
    throw error;
  }

  router.post('/:id/attachments', async (req: InspectionRequest, res) => {
    const seen = await viewing(req);
    const user = viewer(req);
    try {
      assertMayChange(seen);
      const stored = await withUploadedFile(req, 'file', attachmentUploadLimits(limits), ({ fileName, stream }) =>
        storeAttachment({ owner: ownerOf(seen.inspection), fileName, stream, uploadedBy: { userId: user.id, username: user.username } }, { limits, now: settings.now }));
      await audit(seen.acting, seen.inspection, `attachment|${stored.id}|stored`, 'inspection.attachment_add', { file: stored.id, fileName: stored.fileName, size: stored.size, sha256: stored.sha256 });
    } catch (error) {
      return refuse(req, res, error);
    }
    setFlash(req, 'inspections.flash.uploaded');
    res.redirect(303, `${inspectionPath(seen.inspection._id)}#attachments`);
  });

  router.post('/:id/attachments/:file/remove', async (req: FileRequest, res) => {
    const seen = await viewing(req);
    try {
      assertMayChange(seen);
    } catch (error) {
      return refuse(req, res, error);
    }
    const removed = await removeAttachment(req.params.file, { owner: ownerOf(seen.inspection) });
    await audit(seen.acting, seen.inspection, `attachment|${removed.id}|removed`, 'inspection.attachment_remove', { file: removed.id, fileName: removed.fileName, sha256: removed.sha256 });
    setFlash(req, 'inspections.flash.removed');
    res.redirect(303, `${inspectionPath(seen.inspection._id)}#attachments`);
  });

  router.get('/:id/attachments/:file', async (req: FileRequest, res) => {
    const { inspection } = await viewing(req);
    const file = await openAttachment(req.params.file, { owner: ownerOf(inspection) });
    await sendAttachment(req, res, file, { disposition: req.query.download === '1' ? 'attachment' : 'inline' });
  });
}
