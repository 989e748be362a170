/**
 * Exact tests for "did this theme's (or term's) share of papers change?" and false-discovery
 * control. Shares compare counts against period totals (the exposure).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln C(n, k). */
export function lnChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
}

export interface FisherResult {
  /** P(X ≥ x1): the share rose (one-sided) */
  up: number;
  /** P(X ≤ x1): the share fell (one-sided) */
  down: number;
  /** two-sided: twice the smaller tail, at most 1 */
  twoSided: number;
}

let scratch = new Float64Array(1024);

/**
 * Fisher's exact test of x1 / n1 (recent) against x0 / n0 (baseline): with the margins fixed,
 * x1 is hypergeometric (N = n1 + n0 papers, K = x1 + x0 in the theme, n1 drawn).
 */
export function fisher(x1: number, n1: number, x0: number, n0: number): FisherResult {
  const N = n1 + n0;
  const K = x1 + x0;
  const lo = Math.max(0, n1 - (N - K));
  const hi = Math.min(K, n1);
  if (hi <= lo) return { up: 1, down: 1, twoSided: 1 };
  // ln P(X = k) by the ratio P(k + 1) / P(k) = (K − k)(n1 − k) / ((k + 1)(N − K − n1 + k + 1)):
  // one logarithm per step instead of six log-gammas (the support can be thousands wide)
  const size = hi - lo + 1;
  if (scratch.length < size) scratch = new Float64Array(size * 2);
  const logp = scratch;
  let v = lnChoose(K, lo) + lnChoose(N - K, n1 - lo) - lnChoose(N, n1);
  let max = v;
  logp[0] = v;
  for (let k = lo; k < hi; k++) {
    v += Math.log(((K - k) * (n1 - k)) / ((k + 1) * (N - K - n1 + k + 1)));
    logp[k - lo + 1] = v;
    if (v > max) max = v;
  }
  let total = 0;
  let up = 0;
  let down = 0;
  for (let i = 0; i < size; i++) {
    const p = Math.exp((logp[i] as number) - max);
    total += p;
    if (lo + i >= x1) up += p;
    if (lo + i <= x1) down += p;
  }
  const u = Math.min(1, up / total);
  const d = Math.min(1, down / total);
  return { up: u, down: d, twoSided: Math.min(1, 2 * Math.min(u, d)) };
}

/** Benjamini–Hochberg adjusted p-values (q-values), in the input's order. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  return Array.from(benjaminiHochbergTyped(Float64Array.from(p)));
}

/** `benjaminiHochberg` on typed arrays (millions of tested terms at 1M papers). */
export function benjaminiHochbergTyped(p: Float64Array): Float64Array {
  const m = p.length;
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
  const q = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r] as number;
    running = Math.min(running, ((p[i] as number) * m) / (r + 1));
    q[i] = Math.min(1, running);
  }
  return q;
}
