// The statistical tests are only as good as their p-values: check the χ² survival function
// against tabulated critical values (p = 0.001 and p = 0.05) before relying on it.
import { expect } from 'chai';
import { chiSquareSurvival } from './helpers/stats.js';

describe('test helper: chi-square survival function', () => {
  const table: Array<[number, number, number]> = [
    // [df, critical value, upper-tail p]
    [1, 10.828, 0.001], [6, 22.458, 0.001], [9, 27.877, 0.001], [29, 58.301, 0.001], [100, 149.449, 0.001],
    [1, 3.841, 0.05], [27, 40.113, 0.05], [1029, 1104.71, 0.05],
  ];
  it('chiSquareSurvival, at tabulated critical values, returns the tabulated tail probability (±2%)', () => {
    for (const [df, x, p] of table) expect(chiSquareSurvival(x, df), `df=${df}`).to.be.closeTo(p, p * 0.02);
  });
});
