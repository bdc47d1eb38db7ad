// Owns the public statistics page's figures and charts in one call: results per month, by
// category, coverage per risk class / industry / region against the plans' ratios, and
// publication timeliness. Published data only (server/statistics/published.ts); the charts'
// geometry comes from server/statistics/charts.ts and the page repeats every number in tables.
import { columns, fitLabel, horizontalBars, percent, type ColumnChart, type HBarChart } from './charts.js';
import { coverage, DIMENSIONS, type CoverageRow, type Dimension } from './coverage.js';
import { categoryFigures, monthlyFigures, type CategoryFigure, type MonthFigure, type StatsQuery } from './published.js';

export type { StatsQuery } from './published.js';

/** Regions drawn in the coverage chart (the table lists every region). */
export const REGION_CHART_ROWS = 15;

export interface Statistics {
  query: StatsQuery;
  total: number;
  months: MonthFigure[];
  categories: CategoryFigure[];
  corrected: number;
  coverage: Record<Dimension, CoverageRow[]>;
  timeliness: { onTime: number; late: number; noDueDate: number; share: number | undefined };
  charts: { months: ColumnChart; categories: HBarChart; timeliness: ColumnChart; coverage: Record<Dimension, HBarChart> };
}

const count = (n: number) => n.toLocaleString('en-US');

/** `labelOf` names a dimension's value in the page's language (risk class "A" → "A 类", industry "C" → "C 制造业"). */
export async function statistics(query: StatsQuery, labelOf: (dim: Dimension, value: string) => string = (_d, v) => v): Promise<Statistics> {
  const [months, { categories, corrected }, cover] = await Promise.all([monthlyFigures(query), categoryFigures(query), coverage(query)]);
  const total = months.reduce((sum, m) => sum + m.results, 0);
  const onTime = months.reduce((sum, m) => sum + m.onTime, 0);
  const late = months.reduce((sum, m) => sum + m.late, 0);
  const noDueDate = months.reduce((sum, m) => sum + m.noDueDate, 0);
  const coverageCharts = {} as Record<Dimension, HBarChart>;
  for (const dim of DIMENSIONS) {
    const rows = dim === 'region' ? cover[dim].slice(0, REGION_CHART_ROWS) : cover[dim];
    coverageCharts[dim] = horizontalBars(rows.map((r) => ({ label: fitLabel(labelOf(dim, r.value)), fullLabel: labelOf(dim, r.value), value: r.share, valueText: percent(r.share), target: r.target })), { tickText: percent });
  }
  return {
    query, total, months, categories, corrected, coverage: cover,
    timeliness: { onTime, late, noDueDate, share: onTime + late > 0 ? onTime / (onTime + late) : undefined },
    charts: {
      months: columns(months.map((m) => ({ label: String(m.month), value: m.results, valueText: m.results > 0 ? count(m.results) : '' })), { integer: true, tickText: (v) => count(Math.round(v)) }),
      categories: horizontalBars(categories.map((c) => ({ label: fitLabel(c.label), fullLabel: c.label, value: c.results, valueText: count(c.results) })), { integer: true, tickText: (v) => count(Math.round(v)) }),
      timeliness: columns(months.map((m) => {
        const known = m.onTime + m.late;
        return { label: String(m.month), value: known > 0 ? m.onTime / known : 0, valueText: known > 0 ? percent(m.onTime / known) : '' };
      }), { max: 1, tickText: percent }),
      coverage: coverageCharts,
    },
  };
}
