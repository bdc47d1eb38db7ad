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

/** An instant as "YYYY-MM-DD HH:mm" (or HH:mm:ss) in `timeZone`. */
export function formatDateTime(at: Date, timeZone: string, precision: Precision = 'minutes'): string {
  return dateTimeFormat(timeZone, precision).format(at);
}

/** A calendar date stored as UTC midnight, as YYYY-MM-DD ('' for none). */
export function formatDay(date: Date | null | undefined): string {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '';
}
