// CalendarDay: an admin's override of the working-day calendar for one day — a public holiday
// or a 调休 make-up working day the chinese-days package does not know yet (next year's
// arrangement, published each November) or gets wrong. It wins over the package
// (server/calendar/working-days.ts); server/calendar/calendar-store.ts writes it and audits it.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;

const calendarDaySchema = new Schema(
  {
    /** The calendar day, YYYY-MM-DD in TIME_ZONE. */
    day: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    kind: { type: String, required: true, enum: CALENDAR_DAY_KINDS },
    /** Why: the holiday and the notice it comes from (e.g. 国庆节，国办发明电〔2026〕…号). */
    note: { type: String, required: true, trim: true, maxlength: 200 },
    /** The username (or script name) that last set it; the audit trail has the full history. */
    who: { type: String, required: true, maxlength: 100 },
  },
  { timestamps: true },
);
calendarDaySchema.index({ day: 1 }, { unique: true });

export type CalendarDayFields = InferSchemaType<typeof calendarDaySchema>;
export const CalendarDay = mongoose.model('CalendarDay', calendarDaySchema);
