// Owns the binomial upper tail P(X ≥ k) for X ~ Binomial(n, p), used to tell an inspector pair
// that recurs more often than random pairing would make it (server/supervision/pairs.ts).
// Written by hand: the one function needed is a dozen lines (log-gamma by Lanczos, then the pmf
// terms summed from k upwards by their ratio), where a statistics package would bring a large
// library for it. Accurate to about 1e-12 relative, far beyond what a threshold of 1e-3 needs.

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  const logPmf = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  let term = Math.exp(logPmf);
  let sum = term;
  for (let i = k; i < n; i += 1) {
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return Math.min(1, sum);
}
