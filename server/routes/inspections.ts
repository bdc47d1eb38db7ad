// Owns the inspection pages of inspectors and supervisors (检查): the list (an inspector's own
// inspections; a supervisor's department as a dashboard), one inspection's page with the forms
// its viewer may use in its state, the printed notice and record, the attachments, and the page
// on which a supervisor creates a 线索核查 / 即时 inspection (inspections-new.ts). Thin:
// server/inspections/ does the work and decides who may do what; a refusal (409/403) is shown on
// the page in the reader's language, a form's problem re-renders it with field messages (422),
// a success redirects (303) with a flash.
import { Router, type Response } from 'express';
import type { z } from 'zod';
import type { InspectionRecord } from '../../models/inspection.js';
import type { Role } from '../../models/user.js';
import { INSPECTOR, SUPERVISOR } from '../access/rules.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { ConflictError, describeError, ForbiddenError, ValidationError } from '../errors.js';
import { attempt, onForm, readForm, renderForm, type FormResult } from '../http/forms.js';
import { pageHref } from '../http/pagination.js';
import { parseInput } from '../http/validate.js';
import { approveInspection } from '../inspections/approval.js';
import { checkInWithCode, fileLateCheckIn } from '../inspections/check-in.js';
import { confirmFindings, saveFindings, submitFindings } from '../inspections/findings.js';
import { dashboard, dueDates, inspectionFilterSchema, listInspections } from '../inspections/queries.js';
import { declareRecusal } from '../inspections/recusal.js';
import { correctPublished, recordFollowUp, reviewInspection } from '../inspections/review.js';
import { mount, type FeatureDeps } from './mount.js';
import { many } from './plans-forms.js';
import { fromDateTimeLocal } from '../time.js';
import { queryStrings } from './query-strings.js';
import { attachmentRoutes } from './inspections-attachments.js';
import { documentRoutes } from './inspections-documents.js';
import { adHocRoutes } from './inspections-new.js';
import {
  approveForm, checkInForm, confirmForm, correctForm, FIELD_NAMES, findingsForm, findingsInput, findingsMultiline, followUpForm, lateCheckInForm, MULTILINE,
  recusalForm, reviewForm,
} from './inspections-forms.js';
import { actingFor, inspectionPath, renderInspection, viewing, type InspectionRequest, type Viewing } from './inspections-page.js';

/** A 线索核查 / 即时 team was assigned, not drawn: the draw's recusal rule has nothing to draw from (409 on the page). */
function refuseAssignedRecusal(): never {
  throw new ConflictError('This team was assigned, not drawn: no replacement can be drawn.').localized({ key: 'inspections.adHoc.noRecusal' }, 'inspection_assigned');
}

/** The people who work inspections: inspectors (their teams) and supervisors (their department). */
const FIELD_STAFF: readonly Role[] = ['supervisor', 'inspector'];

export const inspectionsMount = mount({
  path: '/inspections',
  rules: {
    'GET /': FIELD_STAFF,
    'GET /new': SUPERVISOR, // a 线索核查 / 即时 inspection (not drawn): inspections-new.ts
    'POST /new': SUPERVISOR,
    'GET /:id': FIELD_STAFF,
    'GET /:id/notice': FIELD_STAFF,
    'GET /:id/record': FIELD_STAFF,
    'POST /:id/approve': SUPERVISOR,
    'POST /:id/check-in': INSPECTOR,
    'POST /:id/check-in/late': INSPECTOR,
    'POST /:id/findings': INSPECTOR,
    'POST /:id/confirm': INSPECTOR,
    'POST /:id/submit': INSPECTOR,
    'POST /:id/review': SUPERVISOR,
    'POST /:id/correct': SUPERVISOR,
    'POST /:id/follow-up': SUPERVISOR,
    'POST /:id/recusal': FIELD_STAFF, // an inspector their own conflict, a supervisor the entity's request
    'POST /:id/attachments': INSPECTOR,
    'POST /:id/attachments/:file/remove': INSPECTOR,
    'GET /:id/attachments/:file': FIELD_STAFF,
  },
  router: inspectionsRouter,
});

interface Action {
  /** Reads the form and runs the use case; a problem comes back as field codes. */
  run: (seen: Viewing, req: InspectionRequest) => Promise<FormResult<InspectionRecord>>;
  /** Use-case field names → the form's. */
  names?: Readonly<Record<string, string>>;
  /** The flash of a success. */
  done: (after: InspectionRecord) => string;
  /** Where a success goes (default: the inspection's page). */
  then?: (after: InspectionRecord, seen: Viewing) => string;
  /** What the failed form shows (default: the body). */
  values?: (req: InspectionRequest) => Record<string, unknown>;
  /** Message values a use case leaves out. */
  extra?: () => Promise<Record<string, Record<string, string | number>>>;
}

function inspectionsRouter({ inspections: settings, draws, timeZone }: FeatureDeps): Router {
  const router = Router();
  const body = (req: InspectionRequest) => (req.body ?? {}) as Record<string, unknown>;

  router.get('/', async (req, res) => {
    const acting = await actingFor(req);
    const parsed = parseInput(inspectionFilterSchema, req.query);
    const values = queryStrings(req.query);
    const dates = await dueDates(settings);
    const [result, sections] = await Promise.all([parsed.ok ? listInspections(acting, parsed.value, dates) : undefined, dashboard(acting, dates)]);
    renderForm(res, 'inspections/list', {
      result, sections, values, dates, supervisor: acting.role === 'supervisor', notice: takeFlash(req),
      pageHref: (page: number) => pageHref('/inspections', values, page),
    }, parsed.ok ? undefined : parsed);
  });

  adHocRoutes(router, settings, draws.caps); // before /:id

  router.get('/:id', async (req, res) => {
    await renderInspection(req, res, settings);
  });

  /** One form of the page: run, then 303 with a flash, 422 with field messages, or the refusal on the page (409/403). */
  function action(spec: Action) {
    return async (req: InspectionRequest, res: Response) => {
      const seen = await viewing(req);
      let outcome: FormResult<InspectionRecord>;
      try {
        outcome = await spec.run(seen, req);
      } catch (error) {
        if (!(error instanceof ConflictError || error instanceof ForbiddenError)) throw error;
        return renderInspection(req, res, settings, { status: error.status, refusal: describeError(res.locals.t, error), values: (spec.values ?? body)(req) });
      }
      if (!outcome.ok) {
        const problem = onForm(outcome, spec.names, spec.extra ? await spec.extra() : {});
        return renderInspection(req, res, settings, { status: 422, problem, values: (spec.values ?? body)(req) });
      }
      setFlash(req, spec.done(outcome.value));
      res.redirect(303, spec.then ? spec.then(outcome.value, seen) : inspectionPath(seen.inspection._id));
    };
  }

  /** readForm, then the use case with the typed value. */
  const using = <S extends z.ZodType>(schema: S, req: InspectionRequest, run: (value: z.output<S>) => Promise<InspectionRecord>, multiline = MULTILINE) => {
    const form = readForm(schema, req.body, { multiline });
    return form.ok ? attempt(() => run(form.value)) : Promise.resolve(form);
  };

  router.post('/:id/approve', action({
    run: ({ acting }, req) => using(approveForm, req, (v) => approveInspection(req.params.id, { mode: v.mode, reason: v.approveReason }, acting, settings)),
    names: FIELD_NAMES.approve,
    done: () => 'inspections.flash.approved',
  }));

  router.post('/:id/check-in', action({
    run: ({ acting }, req) => using(checkInForm, req, (v) => checkInWithCode(req.params.id, v.code, many(v.present), acting, settings)),
    names: FIELD_NAMES.checkIn,
    values: (req) => ({ ...body(req), present: many(body(req).present) }),
    done: () => 'inspections.flash.checkedIn',
  }));

  router.post('/:id/check-in/late', action({
    run: ({ acting }, req) => using(lateCheckInForm, req, (v) => fileLateCheckIn(req.params.id, { day: v.lateDay, present: many(v.latePresent), reason: v.lateReason }, acting, settings)),
    names: FIELD_NAMES.late,
    values: (req) => ({ ...body(req), latePresent: many(body(req).latePresent) }),
    extra: async () => ({ lateDay: { today: (await dueDates(settings)).today, days: settings.lateCheckInWorkingDays } }),
    done: () => 'inspections.flash.lateFiled',
  }));

  router.post('/:id/findings', action({
    run: ({ acting, inspection }, req) => using(findingsForm(inspection.itemCodes.length), req, (v) => {
      const input = findingsInput(v as Record<string, unknown>, inspection.itemCodes);
      return saveFindings(req.params.id, input.findings, input.resultCategory, acting, settings);
    }, findingsMultiline(inspection.itemCodes.length)),
    values: (req) => {
      const values = { ...body(req) };
      // An item whose boxes were all unticked sends nothing: show it unticked, not as stored.
      for (let i = 0; i < 50; i += 1) values[`items.${i}.methods`] = many(values[`items.${i}.methods`]);
      return values;
    },
    done: () => 'inspections.flash.findingsSaved',
  }));

  router.post('/:id/confirm', action({
    run: ({ acting }, req) => using(confirmForm, req, (v) => confirmFindings(req.params.id, v.revision, acting, settings)),
    done: () => 'inspections.flash.confirmed',
  }));

  router.post('/:id/submit', action({
    run: ({ acting }, req) => attempt(() => submitFindings(req.params.id, acting, settings)),
    done: () => 'inspections.flash.submitted',
  }));

  router.post('/:id/review', action({
    run: ({ acting }, req) => using(reviewForm, req, async (v) => {
      const publishAt = v.publishAt ? fromDateTimeLocal(v.publishAt, timeZone) : undefined;
      if (publishAt === null) throw new ValidationError({ publishAt: 'invalid' });
      return reviewInspection(req.params.id, { decision: v.decision, comment: v.reviewComment, publishAt }, acting, settings);
    }),
    names: FIELD_NAMES.review,
    done: (after) => `inspections.flash.review.${after.state}`,
  }));

  router.post('/:id/correct', action({
    run: ({ acting }, req) => using(correctForm, req, (v) => correctPublished(req.params.id, { reason: v.correctReason, resultCategory: v.correctCategory }, acting, settings)),
    names: FIELD_NAMES.correct,
    done: () => 'inspections.flash.corrected',
  }));

  router.post('/:id/follow-up', action({
    run: ({ acting }, req) => using(followUpForm, req, (v) => recordFollowUp(req.params.id, { measure: v.measure, note: v.followUpNote }, acting, settings)),
    names: FIELD_NAMES.followUp,
    done: (after) => (after.state === 'closed' ? 'inspections.flash.closed' : 'inspections.flash.followUp'),
  }));

  router.post('/:id/recusal', action({
    run: ({ acting, inspection }, req) => using(recusalForm, req, (v) => (inspection.adHoc ? refuseAssignedRecusal() : declareRecusal(req.params.id, {
      requestedBy: v.requestedBy, reason: v.recusalReason, inspectorId: v.requestedBy === 'inspector' ? acting.inspectorId ?? '' : v.recusalInspector,
    }, acting, settings))),
    names: FIELD_NAMES.recusal,
    done: () => 'inspections.flash.recused',
    // A member who stepped aside no longer sees the inspection: back to their list.
    then: (after, { acting }) => (acting.role === 'inspector' && !after.team.includes(acting.inspectorId ?? '') ? '/inspections' : inspectionPath(after._id)),
  }));

  documentRoutes(router, draws);
  attachmentRoutes(router, settings, settings.attachments);
  return router;
}
