// Owns the supervision alerts (执法监督) as one read: entities drawn beyond their caps, repeat
// inspections inside the exclusion window, late and missing check-ins, late publication, and
// inspector pairs that recur more often than chance — for one department (a supervisor's own, or
// the one an observer chose) or every department (observers). Reads only; nothing is audited
// because nothing unpublished about a single inspection is disclosed beyond what the viewer's
// role already reads (supervisors their department, observers every department).
import type { InspectionSettings } from '../inspections/settings.js';
import type { FrequencyCaps } from '../plans/settings.js';
import { departmentOptions } from '../rosters/departments.js';
import { beyondCaps, type CapAlert } from './caps.js';
import { deadlineAlerts, type Deadlines } from './deadlines.js';
import { ALPHA, MIN_OBSERVED, inspectorNames, recurringPairs, type PairAlert } from './pairs.js';
import { repeatInspections, type RepeatAlert } from './repeats.js';

export interface AlertQuery { year: number; department?: string | undefined }

export interface Alerts {
  query: AlertQuery;
  caps: CapAlert[];
  capSettings: FrequencyCaps;
  repeats: RepeatAlert[];
  deadlines: Deadlines;
  pairs: (PairAlert & { names: [string, string] })[];
  pairRule: { alpha: number; minObserved: number };
  departmentNames: Record<string, string>;
}

export async function supervisionAlerts(query: AlertQuery, settings: { caps: FrequencyCaps; inspections: InspectionSettings }): Promise<Alerts> {
  const [caps, repeats, deadlines, pairs, departments] = await Promise.all([
    beyondCaps(query.year, settings.caps, query.department),
    repeatInspections(query.year, query.department),
    deadlineAlerts(query.year, settings.inspections, query.department),
    recurringPairs(query.year, query.department),
    departmentOptions(),
  ]);
  const names = await inspectorNames(pairs.flatMap((p) => p.inspectors));
  return {
    query, caps, capSettings: settings.caps, repeats, deadlines,
    pairs: pairs.map((p) => ({ ...p, names: [names.get(p.inspectors[0]) ?? p.inspectors[0], names.get(p.inspectors[1]) ?? p.inspectors[1]] })),
    pairRule: { alpha: ALPHA, minObserved: MIN_OBSERVED },
    departmentNames: Object.fromEntries(departments.map((d) => [d.code, d.name])),
  };
}
