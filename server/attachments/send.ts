// Owns answering a download of an attachment over Express, so that a route is one line once it
// has decided the reader may see the file:
//   res => sendAttachment(req, res, await openAttachment(id, { owner }))
// Content-Type is the detected type (never the declared one) with nosniff; the ETag is the
// SHA-256, so a client holding the file revalidates with If-None-Match and gets 304. Images
// and PDFs open inline unless `disposition: 'attachment'` is asked for. Responses are private
// (access is checked per request) and images and downloads get a sandboxing CSP; PDFs keep the
// app's policy, as browsers refuse to render a PDF in a sandboxed document.
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { contentDisposition } from './file-name.js';
import { isImage } from './file-type.js';
import type { OpenedAttachment } from './read.js';

export interface SendOptions {
  /** Default inline (every accepted type can be shown by browsers). */
  disposition?: 'inline' | 'attachment';
}

const SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/**
 * Sends the file (or 304, or headers only for HEAD) and resolves once the response is done.
 * Rejects when the stored bytes could not be read or did not match their checksum: the
 * response is then cut short, and the rejection reaches the route's error handler for the log.
 */
export async function sendAttachment(req: Request, res: Response, file: OpenedAttachment, options: SendOptions = {}): Promise<void> {
  const disposition = options.disposition ?? 'inline';
  const etag = `"${file.sha256}"`;
  res.set({
    'Content-Type': file.contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Disposition': contentDisposition(disposition, file.fileName),
    ETag: etag,
    'Cache-Control': 'private, no-cache',
    'Last-Modified': file.storedAt.toUTCString(),
  });
  if (disposition === 'attachment' || isImage(file.contentType)) res.set('Content-Security-Policy', SANDBOX_POLICY);
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    file.stream.destroy();
    res.status(304).end();
    return;
  }
  res.set('Content-Length', String(file.size));
  if (req.method === 'HEAD') {
    file.stream.destroy();
    res.status(200).end();
    return;
  }
  res.status(200);
  try {
    await pipeline(file.stream, res);
  } catch (error) {
    // A reader who went away is not a failure of ours.
    if (res.destroyed && !res.writableFinished && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
