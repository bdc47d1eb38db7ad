// Owns the stored side of the working-day calendar: the admins' overrides (CalendarDay), the
// WorkingCalendar built from them and the package (server/calendar/working-days.ts), and the
// use cases that set or remove an override and audit it (calendar.add / calendar.update /
// calendar.remove), whoever calls them — the admin page, a script or a test.
//
//   const calendar = await workingCalendar();
//   const deadline = calendar.addWorkingDays(resultDay, 20);
//
// The overrides are a few dozen rows a year, read with one query on every call: several app
// instances share one database, and an in-process copy kept only until "the next change"
// would miss another instance's change. The calendar built from them is kept and handed out
// again while the rows read are unchanged; a change made here drops it at once.
import { z } from 'zod';
import { CALENDAR_DAY_KINDS, CalendarDay } from '../../models/index.js';
import { fieldChanges, recordChanges, type ChangeContext, type FieldChanges } from '../audit/changes.js';
import { NotFoundError, isDuplicateKeyError } from '../errors.js';
import { WorkingCalendar, isDay, type CalendarOverride, type DayKind } from './working-days.js';

/** The kinds of day an override declares (the model's list, checked here to be the calendar's). */
export const DAY_KINDS: readonly DayKind[] = CALENDAR_DAY_KINDS;

/** Years an override may be set for: the package starts in 2004; beyond 2100 is a typo. */
export const OVERRIDE_YEARS = { min: 2000, max: 2100 } as const;
const yearParams = { min: String(OVERRIDE_YEARS.min), max: String(OVERRIDE_YEARS.max) };

/** A missing field is `required`; one of another shape (a repeated field arrives as an array) is `invalid`. */
const missingOr = (code: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'required' : code);

const daySchema = z
  .string({ error: missingOr('invalid_date') })
  .trim()
  .refine(isDay, 'invalid_date')
  .refine((day) => Number(day.slice(0, 4)) >= OVERRIDE_YEARS.min && Number(day.slice(0, 4)) <= OVERRIDE_YEARS.max, {
    message: 'calendar.year_range',
    params: yearParams,
  });

export const calendarOverrideSchema = z.object({
  day: daySchema,
  kind: z.enum(CALENDAR_DAY_KINDS, 'invalid_choice'),
  note: z.string({ error: missingOr('invalid') }).trim().min(1, 'required').max(200, 'too_long'),
});
export type CalendarOverrideInput = z.output<typeof calendarOverrideSchema>;

let cached: { signature: string; calendar: WorkingCalendar } | undefined;

/** A stored override, with who set it last and when. */
export interface StoredOverride extends CalendarOverride {
  who: string;
  updatedAt: Date;
}

/** The stored overrides (by day) and the calendar in effect with them. */
export async function calendarOverview(): Promise<{ calendar: WorkingCalendar; overrides: StoredOverride[] }> {
  const rows = await CalendarDay.find({}, { day: 1, kind: 1, note: 1, who: 1, updatedAt: 1 }).sort({ day: 1 }).lean();
  const overrides = rows.map((row): StoredOverride => ({ day: row.day, kind: row.kind as DayKind, note: row.note, who: row.who, updatedAt: row.updatedAt }));
  const signature = JSON.stringify(overrides.map(({ day, kind, note }) => [day, kind, note]));
  if (cached?.signature !== signature) cached = { signature, calendar: new WorkingCalendar(overrides) };
  return { calendar: cached.calendar, overrides };
}

/** The working-day calendar in effect: the package's arrangement with the stored overrides on top. */
export async function workingCalendar(): Promise<WorkingCalendar> {
  return (await calendarOverview()).calendar;
}

/** Forgets the built calendar (the next workingCalendar() builds it again). */
export function invalidateWorkingCalendar(): void {
  cached = undefined;
}

const target = (day: string, note: string) => ({ type: 'calendar_day', id: day, label: note });

/**
 * Declares `day` a holiday or a working day, replacing an override it may have (calendar.add,
 * or calendar.update with the changed fields). Returns whether it was new.
 */
export async function setCalendarDay(input: CalendarOverrideInput, context: ChangeContext): Promise<{ created: boolean; changes: FieldChanges }> {
  const { day, kind, note } = input;
  const who = context.actor.label;
  const before = await CalendarDay.findOne({ day }).lean();
  if (!before) {
    try {
      await CalendarDay.create({ day, kind, note, who });
      const changes = { kind: { from: null, to: kind }, note: { from: null, to: note } };
      await recordChanges(context, 'calendar.add', target(day, note), changes);
      invalidateWorkingCalendar();
      return { created: true, changes };
    } catch (error) {
      // Another request created it between the read and the insert: this one updates it.
      if (!isDuplicateKeyError(error)) throw error;
      return setCalendarDay(input, context);
    }
  }
  const changes = fieldChanges(before as Record<string, unknown>, { kind, note });
  if (Object.keys(changes).length > 0) await CalendarDay.updateOne({ _id: before._id }, { $set: { kind, note, who } }, { runValidators: true });
  await recordChanges(context, 'calendar.update', target(day, note), changes);
  invalidateWorkingCalendar();
  return { created: false, changes };
}

/** Removes the override of `day` (calendar.remove): the package's answer applies again. */
export async function removeCalendarDay(day: string, context: ChangeContext): Promise<void> {
  const before = await CalendarDay.findOneAndDelete({ day }).lean();
  if (!before) throw new NotFoundError(`No calendar override for ${day}`);
  await recordChanges(context, 'calendar.remove', target(day, before.note), { kind: { from: before.kind, to: null }, note: { from: before.note, to: null } });
  invalidateWorkingCalendar();
}
