// Owns the enterprise's side of the inspection page (views/inspections/statement.ejs): the entity's
// statement (陈述申辩) with the period it may be made in, the reviewer's answer form, and the
// anonymous ratings for the supervisors allowed to read them (server/inspections/rating.ts: the
// department's supervisors who took no part — never the team).
//   POST /inspections/:id/statement/answer   the reviewer answers the statement (accepted / not accepted with reasons)
//
// The page itself is rendered by server/routes/inspections-page.ts, which reads the partial's data
// through server/inspections/enterprise-view.ts.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { SUPERVISOR } from '../access/rules.js';
import { setFlash } from '../auth/session.js';
import { ConflictError, describeError, ForbiddenError } from '../errors.js';
import { attempt, onForm, readForm, text } from '../http/forms.js';
import { answerStatement } from '../inspections/statement.js';
import { mount, type FeatureDeps } from './mount.js';
import { actingFor, inspectionPath, renderInspection, type InspectionRequest } from './inspections-page.js';

export const inspectionsStatementMount = mount({
  path: '/inspections',
  rules: { 'POST /:id/statement/answer': SUPERVISOR },
  router: inspectionsStatementRouter,
});

const answerForm = z.object({ statementDecision: z.enum(['accepted', 'not_accepted'], 'invalid_choice'), statementReasons: text(4000) });

function inspectionsStatementRouter({ inspections: settings }: FeatureDeps): Router {
  const router = Router();

  router.post('/:id/statement/answer', async (req: InspectionRequest, res: Response) => {
    const acting = await actingFor(req);
    const form = readForm(answerForm, req.body, { multiline: ['statementReasons'] });
    const values = (req.body ?? {}) as Record<string, unknown>;
    try {
      const outcome = form.ok ? await attempt(() => answerStatement(req.params.id, { decision: form.value.statementDecision, reasons: form.value.statementReasons }, acting, settings)) : form;
      if (!outcome.ok) {
        return renderInspection(req, res, settings, { status: 422, problem: onForm(outcome, { decision: 'statementDecision', reasons: 'statementReasons' }), values });
      }
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof ForbiddenError)) throw error;
      return renderInspection(req, res, settings, { status: error.status, refusal: describeError(res.locals.t, error), values });
    }
    setFlash(req, 'statement.flash.answered');
    res.redirect(303, inspectionPath(req.params.id));
  });

  return router;
}
