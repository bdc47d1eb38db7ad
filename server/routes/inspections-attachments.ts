// Owns an inspection's attachments (photos and PDFs of the findings) over HTTP: the current
// team uploads and removes them while the findings can still change; whoever may see the
// inspection downloads them. The upload is streamed from the multipart body into the use case
// (server/inspections/attachments.ts: who and when, and the audit of every upload and removal),
// which hands it to server/attachments/ (the type judged by content, the limits). A refused file
// is shown on the page with its message and status (413, 415, 409, 422).
import type { Request, Response, Router } from 'express';
import { attachmentUploadLimits, DEFAULT_ATTACHMENT_LIMITS, openAttachment, sendAttachment, type AttachmentLimits } from '../attachments/index.js';
import { setFlash } from '../auth/session.js';
import { AppError, describeError, ValidationError } from '../errors.js';
import { withUploadedFile } from '../http/multipart.js';
import { addInspectionAttachment, assertAttachmentsOpen, attachmentOwner, removeInspectionAttachment } from '../inspections/attachments.js';
import type { InspectionSettings } from '../inspections/settings.js';
import { inspectionPath, renderInspection, viewing, type InspectionRequest } from './inspections-page.js';

type FileRequest = Request<{ id: string; file: string }>;

export function attachmentRoutes(router: Router, settings: InspectionSettings, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): void {
  /** A refusal of the domain or of the file: the page again, with the message and the status. */
  async function refuse(req: InspectionRequest, res: Response, error: unknown): Promise<void> {
    if (error instanceof ValidationError) return renderInspection(req, res, settings, { status: 422, problem: { fields: error.fields, params: error.params } });
    if (error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 400 && error.status !== 404) {
      return renderInspection(req, res, settings, { status: error.status, refusal: describeError(res.locals.t, error) });
    }
    throw error;
  }

  router.post('/:id/attachments', async (req: InspectionRequest, res) => {
    const { acting, inspection } = await viewing(req);
    try {
      // Refused before the body is read; the use case checks again.
      assertAttachmentsOpen(acting, inspection);
      await withUploadedFile(req, 'file', attachmentUploadLimits(limits), (upload) => addInspectionAttachment(inspection, upload, acting, { limits, now: settings.now }));
    } catch (error) {
      return refuse(req, res, error);
    }
    setFlash(req, 'inspections.flash.uploaded');
    res.redirect(303, `${inspectionPath(inspection._id)}#attachments`);
  });

  router.post('/:id/attachments/:file/remove', async (req: FileRequest, res) => {
    const { acting, inspection } = await viewing(req);
    try {
      assertAttachmentsOpen(acting, inspection);
    } catch (error) {
      return refuse(req, res, error);
    }
    await removeInspectionAttachment(inspection, req.params.file, acting);
    setFlash(req, 'inspections.flash.removed');
    res.redirect(303, `${inspectionPath(inspection._id)}#attachments`);
  });

  router.get('/:id/attachments/:file', async (req: FileRequest, res) => {
    const { inspection } = await viewing(req);
    const file = await openAttachment(req.params.file, { owner: attachmentOwner(inspection) });
    await sendAttachment(req, res, file, { disposition: req.query.download === '1' ? 'attachment' : 'inline' });
  });
}
