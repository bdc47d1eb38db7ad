// Owns the supervisors' page of 综合查一次 (/supervision/joint-visits): this quarter's window
// (its first JOINT_WINDOW_DAYS working days), the entities drawn there by their department and
// another one, proposed for one joint visit, with a form to accept each, and the visits already
// merged. Thin: server/plans/joint.ts finds the proposals on the server (the form sends only the
// credit code), merges, audits, and answers a second submission with the visit already made.
// Supervisors only: observers, admins and inspectors are refused by the access table.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SUPERVISOR } from '../access/rules.js';
import { setFlash, takeFlash } from '../auth/session.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { readForm, renderForm, text, type FormProblem } from '../http/forms.js';
import { acceptJointVisitOf, jointVisitsOverview } from '../plans/joint.js';
import { departmentOptions } from '../rosters/departments.js';
import { mount, type FeatureDeps } from './mount.js';
import { actingFor } from './plans-forms.js';

export const jointVisitsMount = mount({
  path: '/supervision/joint-visits',
  rules: {
    'GET /': SUPERVISOR,
    'POST /accept': SUPERVISOR,
  },
  router: jointVisitsRouter,
});

const acceptForm = z.object({ creditCode: text(18).pipe(z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'joint.credit_code')) });

interface PageState { status?: number; refusal?: string; problem?: FormProblem }

function jointVisitsRouter({ draws }: FeatureDeps): Router {
  const router = Router();

  async function renderPage(req: Request, res: Response, state: PageState = {}): Promise<void> {
    const [overview, departments] = await Promise.all([jointVisitsOverview(actingFor(req), draws), departmentOptions()]);
    renderForm(res, 'supervision/joint-visits', {
      overview, names: Object.fromEntries(departments.map((d) => [d.code, d.name])), notice: takeFlash(req), refusal: state.refusal,
      ...(state.status ? { status: state.status } : {}),
    }, state.problem);
  }

  router.get('/', async (req, res) => {
    await renderPage(req, res);
  });

  router.post('/accept', async (req, res) => {
    const form = readForm(acceptForm, req.body);
    if (!form.ok) return renderPage(req, res, { problem: form });
    let outcome;
    try {
      outcome = await acceptJointVisitOf(form.value.creditCode, actingFor(req), draws);
    } catch (error) {
      // Gone from the proposals (another department's, changed meanwhile): the page again, saying so.
      if (error instanceof NotFoundError) return renderPage(req, res, { status: 404, refusal: 'joint.refused.gone' });
      if (error instanceof ConflictError) return renderPage(req, res, { status: 409, refusal: 'joint.refused.changed' });
      if (error instanceof ForbiddenError) return renderPage(req, res, { status: 403, refusal: 'joint.refused.forbidden' });
      throw error;
    }
    setFlash(req, outcome.already ? 'joint.accepted.already' : 'joint.accepted');
    res.redirect(303, `/supervision/joint-visits#visit-${form.value.creditCode}`);
  });

  return router;
}
