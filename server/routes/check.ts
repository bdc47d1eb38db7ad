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
//
// After the visit the entity comes back with its reply code (回执码, printed on the record it
// signed and kept; server/inspections/reply-code.ts says why a second secret): it reads the
// submitted findings, states its case (陈述申辩) or declares it will not, and rates how the
// inspection was conducted, anonymously. The reply code never travels in a URL (history, logs,
// referrers): it is typed into a POST form and carried in the page's forms; every POST checks it
// again within the same per-address limit as the check code, and answers with the page itself
// (no redirect: there is no session to keep the code in, and anonymous visitors get none).
//   GET  /check/reply            the form to type the reply code
//   POST /check/reply            the page the code opens
//   POST /check/reply/statement  the statement, or the declaration that none will be made
//   POST /check/reply/rating     the anonymous rating
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { InspectionRecord } from '../../models/inspection.js';
import { ConflictError, describeError } from '../errors.js';
import { attempt, readForm, text, type FormProblem } from '../http/forms.js';
import { formatCheckCode, normaliseCheckCode } from '../inspections/approval.js';
import { admitLookup, lookupAddress } from '../inspections/check-throttle.js';
import { publicCheck } from '../inspections/public-check.js';
import { RATING_ASPECTS, rateInspection } from '../inspections/rating.js';
import { inspectionByReplyCode, replyView } from '../inspections/reply-code.js';
import { makeStatement } from '../inspections/statement.js';
import { formatDateTime } from '../time.js';
import { mount, type FeatureDeps } from './mount.js';

export const checkMount = mount({
  path: '/check',
  rules: {
    'GET /': 'public', 'GET /:code': 'public',
    'GET /reply': 'public', 'POST /reply': 'public', 'POST /reply/statement': 'public', 'POST /reply/rating': 'public',
  },
  router: checkRouter,
});

const codeForm = z.object({ replyCode: text(40) });
const statementForm = z.object({ replyCode: text(40), statementText: text(4000), waive: text(10) });
const ratingForm = z.object({ replyCode: text(40), comment: text(1000), ...Object.fromEntries(RATING_ASPECTS.map((a) => [a, text(2)])) });

/** Longer input is not echoed back into the form (a code is 16 characters, 19 with dashes). */
const MAX_ECHO = 40;

function privatePage(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
  res.locals.robots = 'noindex';
}

function checkRouter({ clock, timeZone, inspections: settings }: FeatureDeps): Router {
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

  // ---- the entity's side after the visit, through its reply code (before /:code, which would take "reply")

  /** The reply code's inspection within the address's limit, or the page that says why not (429, 404, 422). */
  const openReply = async (req: Request, res: Response, typed: string): Promise<InspectionRecord | null> => {
    const values = { replyCode: typed.length <= MAX_ECHO ? typed : '' };
    if (typed.trim() === '') {
      res.status(422).render('public/reply-form', { values, errors: { replyCode: 'required' }, errorParams: {} });
      return null;
    }
    const admission = await admitLookup(lookupAddress(req.ip), clock());
    if (!admission.admitted) {
      const minutes = Math.ceil(admission.retryAfterSeconds / 60);
      res.status(429).set('Retry-After', String(admission.retryAfterSeconds)).render('public/check-limited', { values: {}, minutes });
      return null;
    }
    const found = await inspectionByReplyCode(typed);
    await admission.settle(found !== null);
    // Unknown, mistyped, forged or replaced by a later visit's: one answer.
    if (!found) res.status(404).render('public/reply-form', { values, errors: {}, errorParams: {}, refusal: 'reply.unknown' });
    return found;
  };

  interface ReplyState { status?: number; notice?: string; refusal?: string; problem?: FormProblem; values?: Record<string, unknown> }

  const renderReply = async (res: Response, inspection: InspectionRecord, typed: string, state: ReplyState = {}) => {
    const view = await replyView(inspection, settings);
    res.status(state.status ?? (state.problem ? 422 : 200)).render('public/reply-page', {
      reply: view, replyCode: typed, aspects: RATING_ASPECTS, notice: state.notice, refusal: state.refusal,
      errors: state.problem?.fields ?? {}, errorParams: state.problem?.params ?? {}, values: state.values ?? {},
    });
  };

  router.get('/reply', (_req, res) => {
    privatePage(res);
    res.render('public/reply-form', { values: {}, errors: {}, errorParams: {} });
  });

  router.post('/reply', async (req, res) => {
    privatePage(res);
    const form = readForm(codeForm, req.body);
    const typed = form.ok ? form.value.replyCode : '';
    const found = await openReply(req, res, typed);
    if (found) await renderReply(res, found, typed);
  });

  /** A form of the reply page: the code opens the inspection, then the use case runs; a refusal or a problem is shown on the page. */
  const replyAction = (schema: z.ZodType<{ replyCode: string }>, multiline: string[], run: (found: InspectionRecord, value: Record<string, string>) => Promise<unknown>, done: (value: Record<string, string>) => string) =>
    async (req: Request, res: Response) => {
      privatePage(res);
      const form = readForm(schema, req.body, { multiline });
      const typed = form.ok ? form.value.replyCode : String((req.body as Record<string, unknown> | undefined)?.replyCode ?? '').slice(0, MAX_ECHO);
      const found = await openReply(req, res, typed);
      if (!found) return;
      const values = { ...((req.body ?? {}) as Record<string, unknown>), _csrf: undefined, replyCode: undefined };
      if (!form.ok) return renderReply(res, found, typed, { problem: form, values });
      try {
        const outcome = await attempt(() => run(found, form.value as unknown as Record<string, string>));
        if (!outcome.ok) return renderReply(res, found, typed, { problem: outcome, values });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return renderReply(res, await inspectionByReplyCode(typed) ?? found, typed, { status: 409, refusal: describeError(res.locals.t, error) });
      }
      await renderReply(res, await inspectionByReplyCode(typed) ?? found, typed, { notice: done(form.value as unknown as Record<string, string>) });
    };

  router.post('/reply/statement', replyAction(statementForm, ['statementText'], (found, v) =>
    makeStatement(found, v.waive === 'yes' ? { kind: 'waived' } : { kind: 'statement', text: v.statementText ?? '' }, settings), (v) => (v.waive === 'yes' ? 'statement.flash.waived' : 'statement.flash.made')));

  router.post('/reply/rating', replyAction(ratingForm, ['comment'], (found, v) =>
    rateInspection(found, { scores: Object.fromEntries(RATING_ASPECTS.map((a) => [a, v[a]])), comment: v.comment ?? '' }, settings), () => 'rating.flash.made'));

  router.get('/:code', async (req, res) => {
    privatePage(res);
    await answer(req, res, String(req.params.code).slice(0, 200));
  });

  return router;
}
