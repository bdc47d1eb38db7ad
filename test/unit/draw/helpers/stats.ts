// Small statistics toolkit for the deterministic statistical tests: chi-square survival
// function via the regularised incomplete gamma function (Numerical Recipes §6.2), and the
// goodness-of-fit statistics used to check inclusion and assignment frequencies.

function logGamma(x: number): number {
  // Lanczos approximation, g = 7, n = 9 (accurate to ~1e-15 for x > 0).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i += 1) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n += 1) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * lead;
  }
  // Continued fraction (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return lead * h;
}

/** P(χ²_df ≥ x). */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** Pearson's statistic Σ (O − E)² / E against a common expectation. */
export function pearson(counts: ArrayLike<number>, expected: number): number {
  let s = 0;
  for (let i = 0; i < counts.length; i += 1) s += (counts[i]! - expected) ** 2 / expected;
  return s;
}

/**
 * Inclusion counts of N units over R draws of k without replacement: each count has variance
 * R·p(1−p) and the counts are negatively correlated (their sum is fixed), so Pearson's
 * statistic is (1−p)·N/(N−1) times a χ² with N−1 degrees of freedom. Returns its p-value.
 */
export function inclusionPValue(counts: ArrayLike<number>, draws: number, k: number): number {
  const n = counts.length;
  const p = k / n;
  const stat = pearson(counts, draws * p) * (n - 1) / (n * (1 - p));
  return chiSquareSurvival(stat, n - 1);
}

/** z-score of the number of inclusions of a block of `size` units against its expectation. */
export function blockZ(counts: ArrayLike<number>, from: number, size: number, draws: number, k: number): number {
  const n = counts.length;
  const p = k / n;
  let total = 0;
  for (let i = from; i < from + size; i += 1) total += counts[i]!;
  // Variance of a block total under sampling without replacement: per draw, the number of
  // block units included is hypergeometric(n, size, k).
  const perDraw = k * (size / n) * (1 - size / n) * ((n - k) / (n - 1));
  return (total - draws * size * p) / Math.sqrt(draws * perDraw);
}
