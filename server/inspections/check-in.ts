// Owns check-in (扫码入企 / 亮码检查): the team shows the inspection's code at the door and checks
// in with the members present — at least two, each on the current team, each with a 有效 status
// and a certificate valid that day. Without a working code the team inspects on its
// certificates and files the check-in later, within LATE_CHECK_IN_WORKING_DAYS working days of
// the visit and with a reason; supervisors see late and missing check-ins.
import { Inspector } from '../../models/inspector.js';
import type { InspectionRecord } from '../../models/inspection.js';
import { Inspection } from '../../models/inspection.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import mongoose from 'mongoose';
import { assertTeam } from './access.js';
import { normaliseCheckCode } from './approval.js';
import { replyForCheckIn } from './reply-code.js';
import { applyTransition, loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

export const MIN_PRESENT = 2;

/** Why each of these inspectors may not inspect on `day` (none: all may). */
export async function presentProblems(inspection: Pick<InspectionRecord, 'team'>, present: string[], day: string, timeZone: string): Promise<Record<string, string>> {
  const problems: Record<string, string> = {};
  const people = await Inspector.find({ inspectorId: mongoose.trusted({ $in: present }) }).select('inspectorId status certificates').lean<{ inspectorId: string; status: string; certificates: { validFrom: Date; validUntil: Date }[] }[]>();
  const byId = new Map(people.map((p) => [p.inspectorId, p]));
  for (const id of present) {
    const person = byId.get(id);
    if (!inspection.team.includes(id)) problems[id] = 'not_on_team';
    else if (!person || person.status !== '有效') problems[id] = 'inspector_inactive';
    else if (!person.certificates.some((c) => todayIn(timeZone, c.validFrom) <= day && day <= todayIn(timeZone, c.validUntil))) problems[id] = 'certificate_invalid';
  }
  return problems;
}

async function assertPresent(inspection: InspectionRecord, present: string[], day: string, settings: InspectionSettings): Promise<string[]> {
  const unique = [...new Set(present.filter((id) => id !== ''))];
  if (unique.length < MIN_PRESENT) throw new ValidationError({ inspectors: 'two_inspectors_required' }, 'At least two inspectors check in.');
  const problems = await presentProblems(inspection, unique, day, settings.timeZone);
  const first = Object.entries(problems)[0];
  if (first) throw new ValidationError({ inspectors: first[1] }, `Inspector ${first[0]}: ${first[1]}`, { inspectors: { inspector: first[0] } });
  return unique;
}

/** The inspection a code belongs to (for the team at the door), or 404. */
export async function inspectionByCode(text: string): Promise<InspectionRecord> {
  const code = normaliseCheckCode(text);
  const found = code ? await Inspection.findOne({ checkCode: code }).lean<InspectionRecord>() : null;
  if (!found) throw new NotFoundError('No inspection has this code.').localized({ key: 'inspection.error.unknown_code' });
  return found;
}

/** Check-in at the door with the code; `present` are the members checking in (the caller among them). */
export async function checkInWithCode(id: string, codeText: string, present: string[], acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertTeam(acting, inspection);
  if (normaliseCheckCode(codeText) !== inspection.checkCode) throw new ValidationError({ code: 'wrong_code' }, 'This is not the code of this inspection.');
  const now = settings.now();
  const day = todayIn(settings.timeZone, now);
  const inspectors = await assertPresent(inspection, present, day, settings);
  return applyTransition(inspection, checkInTransition(inspection), {
    set: { checkIn: { at: now, day, inspectors, via: 'code', filedAt: now, by: acting.actor }, ...visitStart(inspection), reply: replyForCheckIn(inspection, now) },
    audit: { action: 'inspection.check_in', after: { via: 'code', inspectors, day } },
  }, acting, now);
}

/** Files a check-in made on certificates (no working code), within the limit, with a reason. */
export async function fileLateCheckIn(id: string, input: { day: string; present: string[]; reason: string }, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertTeam(acting, inspection);
  const now = settings.now();
  const today = todayIn(settings.timeZone, now);
  const reason = input.reason.trim();
  const errors: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.day)) errors.day = 'invalid_date';
  else if (input.day > today) errors.day = 'date_in_future';
  if (reason === '') errors.reason = 'required';
  else if (reason.length > 1000) errors.reason = 'too_long';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, undefined, { reason: { max: 1000 } });
  const calendar = await settings.calendar();
  if (calendar.workingDaysBetween(input.day, today) > settings.lateCheckInWorkingDays) {
    throw new ValidationError({ day: 'late_check_in_expired' }, 'Too late to file this check-in.', { day: { days: settings.lateCheckInWorkingDays } });
  }
  if (input.day < (inspection.approval?.at ? todayIn(settings.timeZone, inspection.approval.at) : '') && inspection.inspectionType !== '即时') {
    throw new ValidationError({ day: 'before_approval' }, 'The visit was before its approval.');
  }
  const inspectors = await assertPresent(inspection, input.present, input.day, settings);
  return applyTransition(inspection, checkInTransition(inspection), {
    set: { checkIn: { at: now, day: input.day, inspectors, via: 'certificate', lateReason: reason, filedAt: now, by: acting.actor }, ...visitStart(inspection), reply: replyForCheckIn(inspection, now) },
    audit: { action: 'inspection.check_in', after: { via: 'certificate', inspectors, day: input.day, reason } },
  }, acting, now);
}

/** After a rejection the team inspects again: a new visit with findings to enter afresh (the old ones stay in the audit trail). */
function visitStart(inspection: InspectionRecord): Record<string, unknown> {
  if (inspection.state !== 'rejected') return {};
  return { visit: (inspection.visit ?? 1) + 1, findings: [], confirmations: [], resultCategory: null, revision: inspection.revision + 1 };
}

function checkInTransition(inspection: InspectionRecord): 'checkIn' {
  // 即时 (emergencies) may be carried out first and approved afterwards (approval.ts).
  if (inspection.state === 'assigned' && inspection.inspectionType !== '即时') throw new ConflictError('Not approved yet: no inspection before its approval.').localized({ key: 'inspection.error.not_approved' }, 'inspection_state');
  return 'checkIn';
}
