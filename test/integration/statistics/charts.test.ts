// The chart geometry (server/statistics/charts.ts), pure: round axis ends, labels cut to fit,
// and every bar, mark and label inside the 400-unit drawing whatever the values.
import { expect } from 'chai';
import { CHART_WIDTH, columns, fitLabel, horizontalBars, LABEL_WIDTH, niceCeiling, percent } from '../../../server/statistics/charts.js';

describe('statistics charts', () => {
  it('niceCeiling rounds up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect([0, 0.3, 1, 3, 7, 11, 26, 0.374, 480].map(niceCeiling)).to.deep.equal([1, 0.5, 1, 5, 10, 20, 50, 0.5, 500]);
  });

  it('fitLabel keeps a short label and cuts a long one with an ellipsis within the label column', () => {
    expect(fitLabel('未发现问题')).to.equal('未发现问题');
    const long = fitLabel('D 电力、热力、燃气及水生产和供应业');
    expect(long.endsWith('…')).to.equal(true);
    expect([...long].length * 13).to.be.at.most(LABEL_WIDTH + 13);
    const latin = fitLabel('H Accommodation and catering');
    expect(latin.startsWith('H Accommod'), latin).to.equal(true); // Latin letters are narrower: more of them fit
  });

  it('horizontal bars stay inside the drawing, a long value inside a full bar, and counts get no half ticks', () => {
    const chart = horizontalBars([
      { label: 'A 类', value: 0.02, valueText: percent(0.02), target: 0.01 },
      { label: 'D 类', value: 1.4, valueText: percent(1.4), target: 0.3 },
    ], { max: 1, tickText: percent });
    for (const bar of chart.bars) {
      expect(chart.left + bar.width).to.be.at.most(CHART_WIDTH);
      expect(chart.left + (bar.target ?? 0)).to.be.at.most(CHART_WIDTH);
    }
    expect(chart.bars[1]!.textInside, 'a short value fits after even a full bar').to.equal(false);
    const wide = horizontalBars([{ label: 'x', value: 1_234_567, valueText: '1,234,567' }], { max: 1_234_567, tickText: String });
    expect(wide.bars[0]!.textInside, 'a long value at a full bar goes inside it').to.equal(true);
    expect(wide.left + wide.bars[0]!.textX).to.be.at.most(CHART_WIDTH);
    const counts = horizontalBars([{ label: 'x', value: 3, valueText: '3' }], { integer: true, tickText: String });
    expect(counts.ticks.map((t) => t.text)).to.deep.equal(['0', '5']);
  });

  it('columns put twelve months side by side within the drawing, zero months with no height', () => {
    const chart = columns(Array.from({ length: 12 }, (_, i) => ({ label: String(i + 1), value: i % 3 === 0 ? 0 : i, valueText: String(i) })), { integer: true, tickText: String });
    expect(chart.columns).to.have.length(12);
    expect(chart.columns[0]!.height).to.equal(0);
    const last = chart.columns[11]!;
    expect(last.x + last.width).to.be.at.most(CHART_WIDTH);
    expect(chart.columns.every((c) => c.y >= chart.plotTop - 1e-9)).to.equal(true);
  });
});
