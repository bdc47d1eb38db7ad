// Owns the two documents people print from an inspection (司法部 2025 templates, DOMAIN.md):
// 行政检查通知书 — the task, the items with their legal basis, the period, the methods, what to
// prepare, the entity's rights (回避, 陈述申辩), which inspection of the year this is against the
// annual cap, the team with their certificates and, once approved, the check-in code as text
// and as a QR code (SVG made here, no script) pointing to the public check page /check/<code>;
// and 现场检查笔录 / 随机抽查情况记录表 — per item the problems, handling, methods, result and
// follow-up, with signature blocks. Both are A4 pages without the site's navigation.
import type { Request, Router } from 'express';
import QRCode from 'qrcode';
import { formatCheckCode } from '../inspections/approval.js';
import { inspectionDetails } from '../inspections/details.js';
import { yearlyCount } from '../inspections/queries.js';
import type { DrawSettings } from '../plans/settings.js';
import { inspectionPath, viewing, type InspectionRequest } from './inspections-page.js';

/** The public page the entity (or anyone at the door) checks a code on. */
export function checkUrl(req: Request, code: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/check/${encodeURIComponent(code)}`;
}

/**
 * The QR code of `url` as SVG markup. Made by the qrcode package from our own URL (host and a
 * code of [0-9A-Z]); the markup holds only paths, never the text, so it is included as is.
 */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

export function documentRoutes(router: Router, draws: Pick<DrawSettings, 'caps'>): void {
  router.get('/:id/notice', async (req: InspectionRequest, res) => {
    const { inspection } = await viewing(req);
    const approved = inspection.state !== 'assigned' && Boolean(inspection.checkCode);
    const [details, count] = await Promise.all([inspectionDetails(inspection), yearlyCount(inspection, draws.caps.exemptTypes)]);
    const url = approved ? checkUrl(req, inspection.checkCode as string) : '';
    res.render('inspections/notice', {
      inspection, details, count, caps: draws.caps, approved, back: inspectionPath(inspection._id),
      code: approved ? formatCheckCode(inspection.checkCode as string) : '', url, qr: approved ? await qrSvg(url) : '',
    });
  });

  router.get('/:id/record', async (req: InspectionRequest, res) => {
    const { inspection } = await viewing(req);
    const details = await inspectionDetails(inspection);
    const approval = [...inspection.reviews].reverse().find((r) => r.decision === 'approve') ?? null;
    res.render('inspections/record', { inspection, details, approval, back: inspectionPath(inspection._id) });
  });
}
