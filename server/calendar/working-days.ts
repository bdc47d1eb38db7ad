// Owns the working-day calendar (工作日) that inspection deadlines are counted in: results are
// published "within 20 working days", a late check-in is filed "within 3 working days".
// Weekends and public holidays do not count; the State Council's 调休 make-up Saturdays and
// Sundays do. Pure: no I/O, no clock — days are 'YYYY-MM-DD' strings of TIME_ZONE (take today
// from server/time.ts todayIn), compared as strings.
//
// Why not just call the chinese-days package:
//  - overrides: the package ends with the last arrangement it shipped (2026 in 1.5.7) and the
//    next year's is published each November, so an admin adds or corrects days (CalendarDay,
//    server/calendar/calendar-store.ts) and an override always wins over the package;
//  - coverage: for a year without any official data the package silently answers "Monday to
//    Friday" (isWorkday('2027-10-01') is true); coverage() says which years are known, so pages
//    can warn that deadlines there count weekends only;
//  - our counting rule (期间开始的日不计算在内): the day a period starts from is never counted,
//    whatever it is; addWorkingDays(d, 1) is the first working day after d. The package's
//    findWorkday counts from d itself when d is a working day.
import packageDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

export type DayKind = 'holiday' | 'workday';

/** An admin's statement about one day; it replaces whatever the package says of that day. */
export interface CalendarOverride {
  day: string;
  kind: DayKind;
  note: string;
}

/** The official arrangement: holiday days and 调休 make-up working days, each with "English name,中文名,…". */
export interface OfficialArrangement {
  holidays: Readonly<Record<string, string>>;
  workdays: Readonly<Record<string, string>>;
}

/** A day that is not an ordinary weekday or weekend (or that an admin declared), as the admin page lists it. */
export interface CalendarEntry {
  day: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** What the day is in effect. */
  kind: DayKind;
  source: 'package' | 'override';
  /** The package's name of the holiday period (国庆节 / National Day), when it lists the day. */
  name?: { zh: string; en: string } | undefined;
  /** The override's note. */
  note?: string | undefined;
  /** What the package says of a day an override replaces. */
  packageKind?: DayKind | undefined;
}

export interface CalendarCoverage {
  /** Years with official data (the package's or an admin's), ascending. */
  years: number[];
  /** Years the package has the State Council's arrangement for. */
  packageYears: number[];
  /** Years with at least one override. */
  overrideYears: number[];
}

/** Counting further than this is a caller's mistake (about 40 years of working days). */
export const MAX_WORKING_DAYS = 10_000;
/** Spans longer than this (about 200 years) are refused rather than walked. */
const MAX_SPAN_DAYS = 73_000;
const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (!match) return false;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.getUTCFullYear() >= 1000 && at.toISOString().slice(0, 10) === text;
}

/** UTC midnight of `day` in ms; a malformed day is a programming error. */
function dayMs(day: string): number {
  if (!isDay(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  return Date.parse(`${day}T00:00:00Z`);
}

const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const weekdayOf = (ms: number) => new Date(ms).getUTCDay();
const yearOf = (day: string) => Number(day.slice(0, 4));

interface OfficialDay {
  kind: DayKind;
  name: { zh: string; en: string };
}

/** "National Day,国庆节,3" → both names. */
function officialName(text: string): { zh: string; en: string } {
  const [en = '', zh = ''] = text.split(',');
  return { zh: zh || en, en: en || zh };
}

function officialDays(arrangement: OfficialArrangement): Map<string, OfficialDay> {
  const days = new Map<string, OfficialDay>();
  for (const [day, text] of Object.entries(arrangement.holidays)) days.set(day, { kind: 'holiday', name: officialName(text) });
  // A day both lists name (none in 1.5.7) is worked: the make-up list is the exception to the other.
  for (const [day, text] of Object.entries(arrangement.workdays)) days.set(day, { kind: 'workday', name: officialName(text) });
  return days;
}

/** The arrangement shipped by chinese-days (its documented dist/chinese-days.json, 2004 to its last year). */
export const PACKAGE_ARRANGEMENT: OfficialArrangement = { holidays: packageDays.holidays, workdays: packageDays.workdays };

const packageOfficialDays = officialDays(PACKAGE_ARRANGEMENT);

/** A calendar of the official arrangement (by default the package's) with admins' overrides on top. */
export class WorkingCalendar {
  readonly #official: ReadonlyMap<string, OfficialDay>;
  readonly #overrides = new Map<string, CalendarOverride>();
  readonly #coverage: CalendarCoverage;

  /** Overrides are one per day (a later one for the same day wins). */
  constructor(overrides: readonly CalendarOverride[] = [], arrangement: OfficialArrangement = PACKAGE_ARRANGEMENT) {
    this.#official = arrangement === PACKAGE_ARRANGEMENT ? packageOfficialDays : officialDays(arrangement);
    for (const { day, kind, note } of overrides) {
      dayMs(day);
      this.#overrides.set(day, { day, kind, note });
    }
    const yearsOf = (days: Iterable<string>) => [...new Set([...days].map(yearOf))].sort((a, b) => a - b);
    const packageYears = yearsOf(this.#official.keys());
    const overrideYears = yearsOf(this.#overrides.keys());
    this.#coverage = { years: [...new Set([...packageYears, ...overrideYears])].sort((a, b) => a - b), packageYears, overrideYears };
  }

  /** Whether `day` counts as a working day. */
  isWorkingDay(day: string): boolean {
    return this.#working(day, dayMs(day));
  }

  /**
   * The day `n` working days after `fromDay`, which itself is never counted (期间开始的日不计算在内):
   * addWorkingDays('2026-09-30', 1) is '2026-10-08'. A negative `n` counts back to the |n|-th
   * working day before `fromDay`; `n = 0` is `fromDay` itself, working day or not.
   * A deadline is passed when today > addWorkingDays(start, n) (compare the strings).
   */
  addWorkingDays(fromDay: string, n: number): string {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_WORKING_DAYS) throw new RangeError(`working days must be an integer within ±${MAX_WORKING_DAYS}, got ${n}`);
    const step = n < 0 ? -DAY_MS : DAY_MS;
    let ms = dayMs(fromDay);
    for (let left = Math.abs(n); left > 0; ) {
      ms += step;
      if (this.#working(dayText(ms), ms)) left -= 1;
    }
    return dayText(ms);
  }

  /**
   * The working days after `fromDay` up to and including `toDay`; 0 when the days are equal, and
   * minus the working days after `toDay` up to and including `fromDay` when `toDay` is earlier.
   * So workingDaysBetween(a, b) = -workingDaysBetween(b, a), and
   * addWorkingDays(a, workingDaysBetween(a, b)) = b whenever b is a working day after a.
   */
  workingDaysBetween(fromDay: string, toDay: string): number {
    const fromMs = dayMs(fromDay);
    const toMs = dayMs(toDay);
    if (toMs === fromMs) return 0;
    return toMs > fromMs ? this.#countAfter(fromMs, toMs) : -this.#countAfter(toMs, fromMs);
  }

  /** Which years have official data; any other year counts weekends only. */
  coverage(): CalendarCoverage {
    const { years, packageYears, overrideYears } = this.#coverage;
    return { years: [...years], packageYears: [...packageYears], overrideYears: [...overrideYears] };
  }

  /** Whether `year` has official data (the package's or an override). */
  covers(year: number): boolean {
    return this.#coverage.years.includes(year);
  }

  /** The holidays and make-up working days of `year` in effect (package and overrides), by day. */
  entries(year: number): CalendarEntry[] {
    const prefix = `${String(year).padStart(4, '0')}-`;
    const days = new Set([...this.#official.keys(), ...this.#overrides.keys()].filter((day) => day.startsWith(prefix)));
    return [...days].sort().map((day): CalendarEntry => {
      const official = this.#official.get(day);
      const override = this.#overrides.get(day);
      const weekday = weekdayOf(dayMs(day));
      if (!override) return { day, weekday, kind: official!.kind, source: 'package', name: official!.name };
      return { day, weekday, kind: override.kind, source: 'override', note: override.note, name: official?.name, packageKind: official?.kind };
    });
  }

  /** The overrides the calendar was built with, by day. */
  overrides(): CalendarOverride[] {
    return [...this.#overrides.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  #working(day: string, ms: number): boolean {
    const kind = this.#overrides.get(day)?.kind ?? this.#official.get(day)?.kind;
    if (kind) return kind === 'workday';
    const weekday = weekdayOf(ms);
    return weekday !== 0 && weekday !== 6;
  }

  /** Working days in (fromMs, toMs], fromMs < toMs. */
  #countAfter(fromMs: number, toMs: number): number {
    if ((toMs - fromMs) / DAY_MS > MAX_SPAN_DAYS) throw new RangeError(`span too long: more than ${MAX_SPAN_DAYS} days`);
    let count = 0;
    for (let ms = fromMs + DAY_MS; ms <= toMs; ms += DAY_MS) if (this.#working(dayText(ms), ms)) count += 1;
    return count;
  }
}
