// Owns the page on which a supervisor creates an inspection of a 线索核查 or 即时 task (those are
// not drawn; the task page links here with "新建检查"): the entity's credit code, the inspection
// date, the team leader and the other members chosen from the department's 有效 inspectors
// (each shown with the certificate valid on that date), and the clue or reason. The form carries
// a token made when it is shown, so sending it twice makes one inspection (ad-hoc.ts). Thin:
// a problem re-renders the form with field messages (422), a refusal is an error page (403/409),
// a success goes to the new inspection's page (303).
import type { Request, Response, Router } from 'express';
import { setFlash } from '../auth/session.js';
import { attempt, onForm, readForm, renderForm, type FormProblem } from '../http/forms.js';
import { adHocStartDay, adHocTask, assignableInspectors, createAdHocInspection, newFormToken } from '../inspections/ad-hoc.js';
import type { InspectionSettings } from '../inspections/settings.js';
import { listItems } from '../rosters/catalog-admin.js';
import type { FrequencyCaps } from '../plans/settings.js';
import { many } from './plans-forms.js';
import { adHocForm, FIELD_NAMES } from './inspections-forms.js';
import { actingFor, inspectionPath } from './inspections-page.js';

const MULTILINE = ['adHocReason'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function adHocRoutes(router: Router, settings: InspectionSettings, caps: FrequencyCaps): void {
  /** The form for the task in `taskId`, with `values` typed so far (or fresh ones) and a problem. */
  async function render(req: Request, res: Response, taskId: string, values: Record<string, unknown> | null, problem?: FormProblem): Promise<void> {
    const task = await adHocTask(taskId, await actingFor(req));
    const start = values ?? { task: taskId, inspectionDate: adHocStartDay(settings), members: [] };
    // The token stays across a failed submission (the same form); a missing or mangled one is replaced.
    if (typeof start.formToken !== 'string' || !/^[0-9a-f]{32}$/.test(start.formToken)) start.formToken = newFormToken();
    const day = typeof start.inspectionDate === 'string' && DAY.test(start.inspectionDate) ? start.inspectionDate : adHocStartDay(settings);
    const [inspectors, items] = await Promise.all([assignableInspectors(task.departmentCode, day), listItems()]);
    const names = new Map(items.map((i) => [i.code, i.name]));
    renderForm(res, 'inspections/new', {
      task, day, inspectors, items: (task.itemCodes ?? []).map((code) => ({ code, name: names.get(code) ?? '' })),
      values: { ...start, members: many(start.members) }, exempt: caps.exemptTypes.includes(task.inspectionType),
      ...(problem ? { status: 422 } : {}),
    }, problem);
  }

  router.get('/new', async (req, res) => {
    await render(req, res, typeof req.query.task === 'string' ? req.query.task : '', null);
  });

  router.post('/new', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const taskId = typeof body.task === 'string' ? body.task : '';
    const acting = await actingFor(req);
    const form = readForm(adHocForm, body, { multiline: MULTILINE });
    const outcome = form.ok
      ? await attempt(() => createAdHocInspection(taskId, {
        creditCode: form.value.creditCode, inspectionDate: form.value.inspectionDate, leader: form.value.leader, members: many(form.value.members),
        reason: form.value.adHocReason, formToken: form.value.formToken,
      }, acting, settings, caps))
      : form;
    if (!outcome.ok) return render(req, res, taskId, body, onForm(outcome, FIELD_NAMES.adHoc));
    setFlash(req, 'inspections.flash.created');
    res.redirect(303, inspectionPath(outcome.value._id));
  });
}
