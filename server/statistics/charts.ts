// Owns the geometry of the statistics charts: bars, axis ticks and target marks as numbers in
// an SVG user space, which views/statistics/hbar-chart.ejs and column-chart.ejs draw as <svg>
// on the server (no chart needs JavaScript; the views add <title>, <desc> and role="img", and
// the page repeats every number in a table).
//
// Written by hand rather than with d3-scale/d3-shape: the charts need one linear scale with
// "nice" round ticks and rectangles — about forty lines — while d3-scale would bring five
// packages (d3-array, d3-format, d3-interpolate, d3-time, d3-time-format) for it.
//
// The user space is 400 units wide and the SVG scales to the column's width (max 36rem): at a
// 390 px phone a unit is about 0.9 px, so the 14-unit text stays above 12 px and the chart
// needs no horizontal scrolling; on a desktop it is drawn at most 1.4× larger.
export const CHART_WIDTH = 400;
const FONT = 14;

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10^k) at or above `value` (1 for 0). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value - 1e-9) return step * power;
  return 10 * power;
}

export interface Tick { at: number; text: string }
export interface HBar { y: number; width: number; label: string; fullLabel: string; valueText: string; target?: number | undefined; textX: number; textInside: boolean }
export interface HBarChart { kind: 'hbar'; width: number; height: number; left: number; plot: number; rowHeight: number; bars: HBar[]; ticks: Tick[]; axisY: number }

export interface HBarInput { label: string; fullLabel?: string; value: number; valueText: string; target?: number | undefined }

/** CJK characters count as one em, others as about 0.6 em. */
function textWidth(text: string): number {
  let units = 0;
  for (const ch of text) units += /[\u2026\u2E80-\uFFFF]/u.test(ch) ? 1 : 0.6;
  return units * FONT;
}

/** Tick positions as fractions of the axis: the middle one only where it is a whole count. */
function tickFractions(max: number, integer: boolean): number[] {
  return integer && !Number.isInteger(max / 2) ? [0, 1] : [0, 0.5, 1];
}

export interface ScaleOptions {
  /** The axis' end; default: the nice ceiling of the largest value (or target). */
  max?: number;
  /** Counts: no tick between whole numbers. */
  integer?: boolean;
  tickText: (value: number) => string;
}

/** Widest label column of a bar chart, in user units (the rest of the 400 is bars and values). */
export const LABEL_WIDTH = 136;

/** A label cut with "…" to fit LABEL_WIDTH (the bar's tooltip and the page's table carry the whole name). */
export function fitLabel(label: string, width = LABEL_WIDTH): string {
  if (textWidth(label) <= width) return label;
  const chars = [...label];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Horizontal bars (categories, coverage): labels on the left, the value at the bar's end, an optional target mark. */
export function horizontalBars(rows: readonly HBarInput[], options: ScaleOptions): HBarChart {
  const rowHeight = 26;
  const left = Math.min(LABEL_WIDTH + 14, Math.max(40, ...rows.map((r) => textWidth(r.label) + 14)));
  const right = 56; // room for the value written after the longest bar
  const plot = CHART_WIDTH - left - right;
  const top = 4;
  const max = options.max ?? niceCeiling(Math.max(0, ...rows.map((r) => Math.max(r.value, r.target ?? 0))));
  const bars = rows.map((row, i) => {
    const width = Math.max(0, Math.min(1, row.value / max)) * plot;
    // The value sits after the bar; where the bar leaves no room, inside it (white on the bar).
    const textInside = width + textWidth(row.valueText) + 4 > plot + right;
    return {
      y: top + i * rowHeight, width, label: row.label, fullLabel: row.fullLabel ?? row.label, valueText: row.valueText,
      target: row.target === undefined ? undefined : Math.min(1, row.target / max) * plot,
      textX: textInside ? width - 4 : width + 4, textInside,
    };
  });
  const axisY = top + rows.length * rowHeight;
  const ticks = tickFractions(max, options.integer ?? false).map((f) => ({ at: f * plot, text: options.tickText(f * max) }));
  return { kind: 'hbar', width: CHART_WIDTH, height: axisY + 20, left, plot, rowHeight, bars, ticks, axisY };
}

export interface Column { x: number; y: number; width: number; height: number; label: string; valueText: string }
export interface ColumnChart { kind: 'column'; width: number; height: number; left: number; plotTop: number; plotHeight: number; columns: Column[]; ticks: Tick[]; baseY: number }

/** Vertical columns (one per month): the value above each non-empty column, month numbers below. */
export function columns(rows: readonly { label: string; value: number; valueText: string }[], options: ScaleOptions): ColumnChart {
  const left = 40;
  const plotTop = 18;
  const plotHeight = 150;
  const plotWidth = CHART_WIDTH - left - 4;
  const max = options.max ?? niceCeiling(Math.max(0, ...rows.map((r) => r.value)));
  const slot = plotWidth / Math.max(1, rows.length);
  const width = slot * 0.62;
  const baseY = plotTop + plotHeight;
  const cols = rows.map((row, i) => {
    const height = Math.max(0, Math.min(1, row.value / max)) * plotHeight;
    return { x: left + i * slot + (slot - width) / 2, y: baseY - height, width, height, label: row.label, valueText: row.valueText };
  });
  const ticks = tickFractions(max, options.integer ?? false).map((f) => ({ at: baseY - f * plotHeight, text: options.tickText(f * max) }));
  return { kind: 'column', width: CHART_WIDTH, height: baseY + 22, left, plotTop, plotHeight, columns: cols, ticks, baseY };
}

/** 0.1234 → "12.3%" (shares on the page and in the charts). */
export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}
