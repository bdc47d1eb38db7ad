// InspectionRating: the entity's anonymous rating of how an inspection was conducted (2025 rules,
// Shenzhen Longhua: the rated team never sees it). Kept apart from the inspection on purpose:
// nothing on the inspection document — which the team opens — says that a rating exists, and
// no page or export the team can open reads this collection (server/inspections/rating.ts decides
// who may). No rater identity: no user, address, session or time of day, only the day. One
// rating per visit (the unique index), so a reply code cannot be used to stuff ratings.
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose';

export const RATING_ASPECTS = ['lawful', 'courteous', 'clear', 'unobtrusive'] as const;
export type RatingAspect = (typeof RATING_ASPECTS)[number];

const score = { type: Number, required: true, min: 1, max: 5 };

const inspectionRatingSchema = new Schema({
  _id: { type: String, default: () => new Types.ObjectId().toHexString() },
  inspectionId: { type: String, required: true, maxlength: 250 },
  /** The rated department: its supervisors read the rating. */
  departmentCode: { type: String, required: true, maxlength: 32 },
  visit: { type: Number, required: true },
  scores: {
    /** Showed certificates and code, stated the legal basis (依法规范). */
    lawful: score,
    /** Courteous (文明礼貌). */
    courteous: score,
    /** Explained the findings and the entity's rights (告知清楚). */
    clear: score,
    /** Kept disruption of the business low (不干扰正常经营). */
    unobtrusive: score,
  },
  comment: { type: String, default: '', maxlength: 1000, multiline: true },
  /** The day (TIME_ZONE) it was made: no time of day. */
  on: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
}, { versionKey: false });
inspectionRatingSchema.index({ inspectionId: 1, visit: 1 }, { unique: true });
inspectionRatingSchema.index({ departmentCode: 1, on: -1 });

export type InspectionRatingRecord = InferSchemaType<typeof inspectionRatingSchema> & { _id: string };
export const InspectionRating = mongoose.model('InspectionRating', inspectionRatingSchema);
