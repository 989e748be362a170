import { lnChoose } from "./stats.js";

/**
 * Kleinberg's burst detection, two-state batch version ("Bursty and Hierarchical Structure in
 * Streams", 2002, §4 enumerating bursts in a sequence of batches). In batch t, r_t of d_t
 * papers belong to the theme. State 0 emits at the base rate p0 = Σr / Σd, state 1 at
 * p1 = s · p0. The cost of a batch in state i is -ln[C(d, r) p_i^r (1 - p_i)^(d - r)]; moving up
 * from state 0 to 1 costs γ ln n (n batches), moving down is free. The cheapest state sequence
 * (Viterbi) gives the bursts: maximal runs of state 1, each weighted by the cost it saves,
 * Σ (cost in state 0 - cost in state 1).
 */
export interface Burst {
  /** first and last batch index of the burst, inclusive */
  start: number;
  end: number;
  weight: number;
}

export interface BurstOptions {
  /** s: the burst state's rate as a multiple of the base rate */
  scale: number;
  /** γ: the cost of entering the burst state, in units of ln n */
  gamma: number;
}

export const BURST_DEFAULTS: BurstOptions = { scale: 2, gamma: 1 };

export function batchCost(p: number, r: number, d: number): number {
  if (d === 0) return 0;
  const lp = r > 0 ? r * Math.log(p) : 0;
  const lq = d - r > 0 ? (d - r) * Math.log(1 - p) : 0;
  return -(lnChoose(d, r) + lp + lq);
}

export function burstStates(
  r: readonly number[],
  d: readonly number[],
  o: BurstOptions = BURST_DEFAULTS,
): number[] {
  const n = r.length;
  const R = r.reduce((a, b) => a + b, 0);
  const D = d.reduce((a, b) => a + b, 0);
  if (n === 0 || R === 0 || D === 0) return new Array<number>(n).fill(0);
  const p0 = R / D;
  const p1 = Math.min(o.scale * p0, 0.9999);
  const up = o.gamma * Math.log(n);
  // Viterbi over two states; the sequence starts in state 0
  let c0 = batchCost(p0, r[0] as number, d[0] as number);
  let c1 = up + batchCost(p1, r[0] as number, d[0] as number);
  const from0: number[] = [0];
  const from1: number[] = [0];
  for (let t = 1; t < n; t++) {
    const e0 = batchCost(p0, r[t] as number, d[t] as number);
    const e1 = batchCost(p1, r[t] as number, d[t] as number);
    // to state 0: from 0 (free) or from 1 (down: free); ties keep the lower state
    const to0From = c0 <= c1 ? 0 : 1;
    const n0 = Math.min(c0, c1) + e0;
    // to state 1: from 0 (pay up) or from 1 (stay)
    const to1From = c0 + up < c1 ? 0 : 1;
    const n1 = Math.min(c0 + up, c1) + e1;
    from0.push(to0From);
    from1.push(to1From);
    c0 = n0;
    c1 = n1;
  }
  const states = new Array<number>(n).fill(0);
  let s = c0 <= c1 ? 0 : 1;
  for (let t = n - 1; t >= 0; t--) {
    states[t] = s;
    s = s === 0 ? (from0[t] as number) : (from1[t] as number);
  }
  return states;
}

export function bursts(
  r: readonly number[],
  d: readonly number[],
  o: BurstOptions = BURST_DEFAULTS,
): Burst[] {
  const states = burstStates(r, d, o);
  const R = r.reduce((a, b) => a + b, 0);
  const D = d.reduce((a, b) => a + b, 0);
  const p0 = D > 0 ? R / D : 0;
  const p1 = Math.min(o.scale * p0, 0.9999);
  const out: Burst[] = [];
  for (let t = 0; t < states.length; t++) {
    if (states[t] !== 1) continue;
    let end = t;
    let weight = 0;
    while (end < states.length && states[end] === 1) {
      weight +=
        batchCost(p0, r[end] as number, d[end] as number) -
        batchCost(p1, r[end] as number, d[end] as number);
      end++;
    }
    out.push({ start: t, end: end - 1, weight });
    t = end - 1;
  }
  return out;
}
