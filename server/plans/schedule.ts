// Owns when a task's draws are due: the slots of its cron expression (node-cron syntax, with an
// optional seconds field) evaluated in TIME_ZONE, or its single scheduled time. Pure: the
// caller passes the time, so tests and the scheduler's clock control drive it alike.
import cron from 'node-cron';

export interface LocalParts { month: number; day: number; weekday: number; hour: number; minute: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Calendar fields of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(date)) p[part.type] = part.value;
  return { month: Number(p.month), day: Number(p.day), weekday: WEEKDAYS[p.weekday!] ?? 0, hour: Number(p.hour) % 24, minute: Number(p.minute) };
}

export function validCron(expression: string): boolean {
  return cron.validate(expression);
}

/** Up to 400 days ahead: a task scheduled less often than yearly has no next slot. */
const HORIZON_MS = 400 * 86_400_000;

/** The first slot of `expression` strictly after `after`, or null within the horizon. */
export function nextCronSlot(expression: string, after: Date, timeZone: string): Date | null {
  const f = cron.parse(expression);
  const numbers = (list: (number | string)[]) => new Set(list.filter((v): v is number => typeof v === 'number'));
  const [months, doms, hours, minutes] = [numbers(f.month), numbers(f.dayOfMonth), numbers(f.hour), numbers(f.minute)];
  const dows = new Set([...numbers(f.dayOfWeek)].map((v) => (v === 7 ? 0 : v))); // Sunday is 0 or 7
  const seconds = [...numbers(f.second)].sort((a, b) => a - b);
  const domAll = doms.size >= 31;
  const dowAll = dows.size >= 7;
  const dayMatches = (p: LocalParts) => {
    if (domAll && dowAll) return true;
    if (domAll) return dows.has(p.weekday);
    if (dowAll) return doms.has(p.day);
    return doms.has(p.day) || dows.has(p.weekday); // cron: either restricted day field
  };
  let t = Math.floor(after.getTime() / 60_000) * 60_000;
  const end = after.getTime() + HORIZON_MS;
  while (t < end) {
    const p = localParts(new Date(t), timeZone);
    if (!months.has(p.month) || !dayMatches(p)) t += ((24 - p.hour) * 60 - p.minute) * 60_000;
    else if (!hours.has(p.hour)) t += (60 - p.minute) * 60_000;
    else if (!minutes.has(p.minute)) t += 60_000;
    else {
      for (const s of seconds) if (t + s * 1000 > after.getTime()) return new Date(t + s * 1000);
      t += 60_000;
    }
  }
  return null;
}

/** The next slot of a task strictly after `after`: its cron's, or its single time if later. */
export function nextTaskSlot(schedule: { at?: Date | null; cron?: string | null } | null | undefined, after: Date, timeZone: string): Date | null {
  if (schedule?.cron) return nextCronSlot(schedule.cron, after, timeZone);
  if (schedule?.at && schedule.at.getTime() > after.getTime()) return schedule.at;
  return null;
}
