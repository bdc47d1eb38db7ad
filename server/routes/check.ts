// Owns the public check page (扫码入企, 2025 rules): the code on an inspection's notice leads
// here, and whoever stands at the door — the entity, a neighbour — sees whether the inspection
// is genuine and under way, and the few facts that let them recognise it (what may be shown and
// which states count: server/inspections/public-check.ts). Everything else — unknown, mistyped,
// forged, not yet approved or finished — gets one and the same "cannot be confirmed" page with
// 404, so the page says nothing about which codes exist. Lookups are limited per address
// (server/inspections/check-throttle.ts says why, with 80-bit codes). No page here is indexed
// or cached: a code's answer changes as the inspection moves on.
//   GET /check          a form to type the code (a GET form: works without JavaScript, and
//                       the result's address can be shared); ?code=… redirects to the result
//   GET /check/:code    the answer for the code (any spelling normaliseCheckCode accepts)
import { Router, type Request, type Response } from 'express';
import { formatCheckCode, normaliseCheckCode } from '../inspections/approval.js';
import { admitLookup, lookupAddress } from '../inspections/check-throttle.js';
import { publicCheck } from '../inspections/public-check.js';
import { formatDateTime } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';

export const checkMount = mount({ path: '/check', rules: { 'GET /': 'public', 'GET /:code': 'public' }, router: checkRouter });

/** Longer input is not echoed back into the form (a code is 16 characters, 19 with dashes). */
const MAX_ECHO = 40;

function privatePage(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
  res.locals.robots = 'noindex';
}

function checkRouter({ clock, timeZone }: FeatureDeps): Router {
  const router = Router();

  /** Looks the code up within the address's limit and renders the answer. */
  const answer = async (req: Request, res: Response, typed: string) => {
    const now = clock();
    const admission = await admitLookup(lookupAddress(req.ip), now);
    const values = { code: typed.length <= MAX_ECHO ? typed : '' };
    if (!admission.admitted) {
      const minutes = Math.ceil(admission.retryAfterSeconds / 60);
      res.status(429).set('Retry-After', String(admission.retryAfterSeconds)).render('public/check-limited', { values, minutes });
      return;
    }
    const result = await publicCheck(typed, now, timeZone);
    await admission.settle(result.genuine);
    if (result.genuine) res.render('public/check-genuine', { check: result.check, checkedAt: formatDateTime(now, timeZone) });
    else res.status(404).render('public/check-not-confirmed', { values });
  };

  router.get('/', async (req, res) => {
    privatePage(res);
    const typed = typeof req.query.code === 'string' ? req.query.code.trim() : undefined;
    if (typed === undefined) {
      res.render('public/check-form', { values: {}, errors: {} });
      return;
    }
    if (typed === '') {
      res.status(422).render('public/check-form', { values: {}, errors: { code: 'required' } });
      return;
    }
    const code = normaliseCheckCode(typed);
    // The canonical address of the answer (what a QR code on the notice holds): shareable, readable.
    if (code) res.redirect(303, `/check/${formatCheckCode(code)}`);
    else await answer(req, res, typed);
  });

  router.get('/:code', async (req, res) => {
    privatePage(res);
    await answer(req, res, String(req.params.code).slice(0, 200));
  });

  return router;
}
