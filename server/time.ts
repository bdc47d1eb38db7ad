// Owns "now" and "today" in the configured TIME_ZONE (config TIME_ZONE, Asia/Shanghai by
// default) and how instants and calendar dates are written on pages. Every date that is shown
// or compared goes through here, so a page, a job and a CLI agree on what day it is.
//
// Two kinds of dates: an *instant* (an import started at, an audit event) is shown in TIME_ZONE;
// a *calendar date* (founded on, certificate valid until, last inspected on) is stored as UTC
// midnight of that day and shown as that day whatever the zone.

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA writes YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

export type Precision = 'minutes' | 'seconds';

function dateTimeFormat(timeZone: string, precision: Precision): Intl.DateTimeFormat {
  const key = `${timeZone}|${precision}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    // sv-SE writes "2026-03-02 16:00": unambiguous in both languages.
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      ...(precision === 'seconds' ? { second: '2-digit' } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** The calendar day (YYYY-MM-DD) that `at` falls on in `timeZone`. */
export function todayIn(timeZone: string, at: Date = new Date()): string {
  return dayFormat(timeZone).format(at);
}

/**
 * The calendar day (YYYY-MM-DD) an instant falls on in `timeZone` — what a recorded time (a
 * check-in filed at, a draw slot) is compared with a day by. Never `toISOString().slice(0, 10)`:
 * that is the UTC day, a day early for everything filed before 08:00 in Beijing.
 */
export function dayOf(at: Date, timeZone: string): string {
  return dayFormat(timeZone).format(at);
}

/** The calendar year an instant falls in, in `timeZone` (the default year of a new plan). */
export function yearOf(at: Date, timeZone: string): number {
  return Number(dayOf(at, timeZone).slice(0, 4));
}

/** The offset of `timeZone` from UTC at `at`, in milliseconds (+8 h for Asia/Shanghai). */
function offsetAt(at: Date, timeZone: string): number {
  const shown = dateTimeFormat(timeZone, 'seconds').format(at);
  return Date.parse(`${shown.replace(' ', 'T')}Z`) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in `timeZone`: `day` (YYYY-MM-DD) at `time` (HH:mm or
 * HH:mm:ss), or null for a malformed one. Exact for zones without daylight saving (Asia/Shanghai);
 * elsewhere a time inside a DST gap or overlap takes the offset of the hour before.
 */
export function instantAt(day: string, time: string, timeZone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !/^\d{2}:\d{2}(?::\d{2})?$/.test(time)) return null;
  const asUtc = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}Z`);
  if (Number.isNaN(asUtc)) return null;
  return new Date(asUtc - offsetAt(new Date(asUtc), timeZone));
}

/** A datetime-local form value (YYYY-MM-DDTHH:mm, wall time in `timeZone`) as an instant; null when malformed. */
export function fromDateTimeLocal(value: string, timeZone: string): Date | null {
  const [day, time] = value.split('T');
  return day && time ? instantAt(day, time, timeZone) : null;
}

/** An instant as "YYYY-MM-DD HH:mm" (or HH:mm:ss) in `timeZone`. */
export function formatDateTime(at: Date, timeZone: string, precision: Precision = 'minutes'): string {
  return dateTimeFormat(timeZone, precision).format(at);
}

/** A calendar date stored as UTC midnight, as YYYY-MM-DD ('' for none). */
export function formatDay(date: Date | null | undefined): string {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '';
}
