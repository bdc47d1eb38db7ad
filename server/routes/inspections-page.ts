// Owns one inspection's page: who is looking (their Acting, with their roster id, so that an
// inspector's teams are found), whether they may (the domain's assertSee: team or owning
// department, else 403), what the page shows and which forms it offers the viewer in the
// inspection's current state — the supervisor's (approval, review, correction, follow-up, an
// entity's recusal request) never to someone who took part, the team's (check-in, findings,
// confirmation, submission, own recusal, attachments) only to the current team. An 即时
// inspection may be checked in before its approval and approved afterwards; an assigned (ad-hoc)
// team is offered no recusal, having no draw to take a replacement from.
import { enterpriseSideOf } from '../inspections/enterprise-view.js';
import type { Request, Response } from 'express';
import type { InspectionRecord, InspectionState } from '../../models/inspection.js';
import { DEFAULT_ATTACHMENT_LIMITS, listAttachments } from '../attachments/index.js';
import { inspectorCodeOf } from '../auth/users.js';
import type { FormProblem } from '../http/forms.js';
import { renderForm } from '../http/forms.js';
import { assertSee, isOnTeam, isOwningSupervisor, tookPart } from '../inspections/access.js';
import { allowedModes, awaitsApprovalAfterwards, formatCheckCode } from '../inspections/approval.js';
import { inspectionDetails, labelOf } from '../inspections/details.js';
import { unconfirmed } from '../inspections/findings.js';
import { loadInspection } from '../inspections/lifecycle.js';
import { dueDates, markersOf } from '../inspections/queries.js';
import type { InspectionSettings } from '../inspections/settings.js';
import { takeFlash } from '../auth/session.js';
import { actingOf, type Acting } from '../plans/acting.js';
import { viewer } from './plans-forms.js';
import { startValues } from './inspections-forms.js';

export type InspectionRequest = Request<{ id: string }>;

/** The signed-in user's Acting with their roster id (an inspector's teams are found by it). */
export async function actingFor(req: Request): Promise<Acting> {
  const user = viewer(req);
  const inspectorCode = await inspectorCodeOf({ ...user, active: true });
  return actingOf({ id: user.id, username: user.username, role: user.role, departmentCode: user.departmentCode, inspectorCode }, String(req.id ?? ''));
}

export interface Viewing { acting: Acting; inspection: InspectionRecord }

/** The inspection in the URL, for someone who may see it: 404 when there is none, 403 when it is not theirs. */
export async function viewing(req: InspectionRequest): Promise<Viewing> {
  const inspection = await loadInspection(req.params.id);
  const acting = await actingFor(req);
  assertSee(acting, inspection);
  return { acting, inspection };
}

export const inspectionPath = (id: string) => `/inspections/${encodeURIComponent(id)}`;

/** Findings are entered, and attachments added or removed, in these states (before submission, or after a return). */
export const EDITABLE: readonly InspectionState[] = ['checked_in', 'findings_entered', 'returned'];
const BEFORE_CHECK_IN: readonly InspectionState[] = ['assigned', 'approved'];

export interface Offers {
  approve: boolean; review: boolean; correct: boolean; followUp: boolean; entityRecusal: boolean;
  checkIn: boolean; findings: boolean; confirm: boolean; submit: boolean; recusal: boolean; attachments: boolean;
}

export function offersFor(acting: Acting, inspection: InspectionRecord): Offers {
  const owning = isOwningSupervisor(acting, inspection);
  const decide = owning && !tookPart(acting, inspection);
  const team = isOnTeam(acting, inspection);
  const state = inspection.state;
  const me = acting.inspectorId ?? '';
  const present = (inspection.checkIn?.inspectors ?? []).includes(me);
  // An assigned (ad-hoc) team was not drawn: no replacement can be drawn for a recusal.
  const drawn = !inspection.adHoc;
  return {
    approve: decide && (state === 'assigned' || awaitsApprovalAfterwards(inspection)),
    review: decide && state === 'submitted',
    correct: decide && (state === 'published' || state === 'closed') && !inspection.withdrawal?.at, // a withdrawn publication is not corrected
    followUp: decide && state === 'published',
    entityRecusal: drawn && owning && BEFORE_CHECK_IN.includes(state),
    // 即时: carried out first (on certificates: no code before the approval), approved afterwards.
    checkIn: team && (state === 'approved' || state === 'rejected' || (state === 'assigned' && inspection.inspectionType === '即时')),
    findings: team && EDITABLE.includes(state),
    confirm: team && state === 'findings_entered' && present && unconfirmed(inspection).includes(me),
    submit: team && state === 'findings_entered',
    recusal: drawn && team && BEFORE_CHECK_IN.includes(state),
    attachments: team && EDITABLE.includes(state),
  };
}

export interface PageState {
  status?: number;
  /** A refused action's message, already in the reader's language. */
  refusal?: string;
  problem?: FormProblem;
  /** What was typed into the failed form. */
  values?: Record<string, unknown>;
}

/** Renders the inspection page (re-read: a refused action may have met a newer state). */
export async function renderInspection(req: InspectionRequest, res: Response, settings: InspectionSettings, state: PageState = {}): Promise<void> {
  const { acting, inspection } = await viewing(req);
  const offers = offersFor(acting, inspection);
  const dates = await dueDates(settings);
  const [details, modes, attachments, enterpriseSide] = await Promise.all([
    inspectionDetails(inspection),
    offers.approve ? allowedModes(inspection) : Promise.resolve([]),
    listAttachments({ kind: 'inspection', id: inspection._id }),
    enterpriseSideOf(acting, inspection, settings),
  ]);
  const supervisor = isOwningSupervisor(acting, inspection);
  renderForm(res, 'inspections/show', {
    inspection, details, offers, modes, attachments, enterpriseSide, base: inspectionPath(inspection._id), today: dates.today,
    markers: markersOf(inspection, dates), afterwards: awaitsApprovalAfterwards(inspection), waiting: unconfirmed(inspection), me: acting.inspectorId ?? '',
    checkCode: supervisor && inspection.checkCode ? formatCheckCode(inspection.checkCode) : '',
    label: (dictionary: 'result' | 'followUp', code: string | null | undefined) => labelOf(dictionary === 'result' ? details.resultCategories : details.followUps, code),
    person: (id: string) => { const p = details.people[id]; return p ? `${p.name}（${id}）` : id; },
    lateDays: settings.lateCheckInWorkingDays, attachmentMb: Math.floor((settings.attachments ?? DEFAULT_ATTACHMENT_LIMITS).maxFileBytes / 1048576),
    notice: takeFlash(req), refusal: state.refusal,
    values: { ...startValues(inspection, dates.today), ...(state.values ?? {}) },
    ...(state.status ? { status: state.status } : {}),
  }, state.problem);
}
