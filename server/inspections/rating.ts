// Owns the entity's anonymous rating of how an inspection was conducted (1–5 on four aspects and an
// optional comment), made through the reply code (reply-code.ts) once the team has checked in, one
// per visit. Seen by the supervisors of the inspecting department who took no part in the
// inspection, never by the team inspected: the rating lives in its own collection
// (models/inspection-rating.ts), the inspection document gets no mark of it, and ratingsFor is the
// only reader, deciding by the same rule as review (access.ts tookPart), so a supervisor who was on
// the team, present at the check-in or recused from it does not see it either.
//
// Its audit entry records that the department received a rating — not which inspection, not the
// scores or the comment — so that the trail, which supervisors (and observers) read, leads nobody
// from an inspection to its rating. The entry is keyed by the rating's id (appended once); the
// rating is inserted first, so a process killed in between leaves a rating without its entry,
// never an entry for a rating that does not exist.
import { Types } from 'mongoose';
import { InspectionRating, RATING_ASPECTS, type InspectionRatingRecord, type RatingAspect } from '../../models/inspection-rating.js';
import type { InspectionRecord, InspectionState } from '../../models/inspection.js';
import { recordAuditOnce } from '../audit/chain.js';
import { ConflictError, isDuplicateKeyError, ValidationError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { todayIn } from '../time.js';
import { isOwningSupervisor, tookPart } from './access.js';
import { ENTITY } from './statement.js';
import type { InspectionSettings } from './settings.js';

export { RATING_ASPECTS, type RatingAspect };
export const COMMENT_MAX = 1000;

/** The team has been at the door: from check-in on, whatever happened next. */
const RATEABLE: readonly InspectionState[] = ['checked_in', 'findings_entered', 'submitted', 'returned', 'rejected', 'approved_for_publication', 'published', 'closed'];

export interface RatingInput {
  scores: Partial<Record<RatingAspect, unknown>>;
  comment?: string;
}

/** Whether the visit the reply code belongs to has been rated, and on which day. */
export async function ratingStatus(inspection: Pick<InspectionRecord, '_id' | 'reply' | 'state'>): Promise<{ rateable: boolean; ratedOn?: string }> {
  const visit = inspection.reply?.visit;
  if (!visit || !RATEABLE.includes(inspection.state)) return { rateable: false };
  const done = await InspectionRating.findOne({ inspectionId: inspection._id, visit }).select('on').lean<{ on: string }>();
  return done ? { rateable: false, ratedOn: done.on } : { rateable: true };
}

/** The entity rates the visit its reply code belongs to. */
export async function rateInspection(found: InspectionRecord, input: RatingInput, settings: InspectionSettings): Promise<void> {
  const visit = found.reply?.visit;
  if (!visit || !RATEABLE.includes(found.state)) throw new ConflictError('This inspection cannot be rated yet.').localized({ key: 'rating.error.notYet' }, 'rating_not_open');
  const errors: Record<string, string> = {};
  const scores = {} as Record<RatingAspect, number>;
  for (const aspect of RATING_ASPECTS) {
    const raw = input.scores[aspect];
    const value = typeof raw === 'string' && /^[1-5]$/.test(raw) ? Number(raw) : raw;
    if (raw === undefined || raw === '') errors[aspect] = 'required';
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) errors[aspect] = 'invalid_choice';
    else scores[aspect] = value;
  }
  const comment = (input.comment ?? '').trim();
  if (comment.length > COMMENT_MAX) errors.comment = 'too_long';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, undefined, { comment: { max: COMMENT_MAX } });
  const now = settings.now();
  const id = new Types.ObjectId().toHexString();
  try {
    await InspectionRating.create({ _id: id, inspectionId: found._id, departmentCode: found.departmentCode, visit, scores, comment, on: todayIn(settings.timeZone, now) });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const { ratedOn } = await ratingStatus(found);
    throw new ConflictError('This visit has already been rated.').localized({ key: 'rating.error.already', params: { day: ratedOn ?? '' } }, 'rating_made');
  }
  await recordAuditOnce(`rating|${id}`, { actor: ENTITY.actor, action: 'rating.received', target: { type: 'department', id: found.departmentCode }, at: now });
}

/** May this person read the inspection's ratings? The department's supervisors who took no part. */
export function maySeeRatings(acting: Acting, inspection: Pick<InspectionRecord, 'team' | 'departmentCode' | 'checkIn' | 'recusals'>): boolean {
  return isOwningSupervisor(acting, inspection) && !tookPart(acting, inspection);
}

/** The inspection's ratings for someone who may read them; anyone else gets none (nothing is read). */
export async function ratingsFor(acting: Acting, inspection: Pick<InspectionRecord, '_id' | 'team' | 'departmentCode' | 'checkIn' | 'recusals'>): Promise<InspectionRatingRecord[]> {
  if (!maySeeRatings(acting, inspection)) return [];
  return InspectionRating.find({ inspectionId: inspection._id }).sort({ visit: 1 }).lean<InspectionRatingRecord[]>();
}
