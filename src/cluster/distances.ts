import { DISTANCES_WASM } from "./distances-wasm-bytes.js";
import { SizedInstances } from "../util/wasm-memory.js";

/**
 * k-means' squared distances, point to centroid. `sqDist` is the TypeScript kernel; the
 * WebAssembly one (scripts/wasm-distances.js, two-lane SIMD) does the same arithmetic in the
 * same order, so every distance is equal to the bit (a test checks), at two to four times
 * the speed. Callers go through `pointDistances`, which takes the WebAssembly kernel where
 * it is available and the TypeScript one otherwise, so results never depend on which ran.
 */

export function sqDist(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  d: number,
): number {
  // four independent sums: the additions pipeline instead of waiting on one another
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const t0 = (a[ao + j] as number) - (b[bo + j] as number);
    const t1 = (a[ao + j + 1] as number) - (b[bo + j + 1] as number);
    const t2 = (a[ao + j + 2] as number) - (b[bo + j + 2] as number);
    const t3 = (a[ao + j + 3] as number) - (b[bo + j + 3] as number);
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; j < d; j++) {
    const t = (a[ao + j] as number) - (b[bo + j] as number);
    s0 += t * t;
  }
  return s0 + s1 + s2 + s3;
}

/**
 * Squared distances from a block of points to k centroids. Made for one pass over blocks of
 * points: `load` makes rows [from, from + count) of the points the block, then `one` and
 * `all` measure from them.
 */
export interface PointDistances {
  load(from: number, count: number): void;
  /** makes point i of the points the block's first (and only) one: cheaper for a few distances */
  point(i: number): void;
  /** the block's point i to centroid j */
  one(i: number, j: number): number;
  /**
   * the block's first `count` points to every centroid, row-major (count × k); a view that
   * holds until the next call
   */
  all(count: number): Float64Array;
}

interface Exports {
  sq: (x: number, c: number, d: number) => number;
  all: (xs: number, n: number, c: number, k: number, d: number, out: number) => void;
}

/** Above this much memory for the centroids and a block, the TypeScript kernel is used. */
const WASM_MAX_BYTES = 1 << 28;

/** This thread's instances (a memory of the size a call needs: see SizedInstances). */
const instances = new SizedInstances<Exports>(DISTANCES_WASM);
let wasmOn = true;

/** Whether this thread can run the WebAssembly kernel (SIMD available). */
export function hasWasmDistances(): boolean {
  return instances.available();
}

/**
 * Whether `pointDistances` may use WebAssembly (on by default; the tests turn it off to run
 * the TypeScript kernel, which gives the same results).
 */
export function useWasmDistances(on: boolean): void {
  wasmOn = on;
}

/**
 * Distances from points (`data`, n × d, row-major) to centroids (`c`, k × d), for blocks of
 * up to `room` points. In WebAssembly the centroids are copied in here and each block's
 * points by `load`, into this thread's one instance: a thread uses one at a time (making
 * another overwrites the last one's memory).
 */
export function pointDistances(
  data: Float64Array,
  d: number,
  c: Float64Array,
  k: number,
  room: number,
): PointDistances {
  const bytes = 16 + (k * d + room * d + room * k) * 8;
  const wasm = wasmOn && bytes <= WASM_MAX_BYTES ? instances.withMemory(bytes) : null;
  if (!wasm) return new ScalarDistances(data, d, c, k);
  return new WasmDistances(wasm.exports, wasm.buffer, data, d, c, k, room);
}

/** pointDistances in WebAssembly. */
class WasmDistances implements PointDistances {
  private readonly xs: Float64Array;
  private readonly out: Float64Array;
  // byte offsets: centroids | the block's points | the block's table, from byte 16
  private readonly cAt = 16;
  private readonly xsAt: number;
  private readonly outAt: number;
  private readonly rowBytes: number;

  constructor(
    private readonly x: Exports,
    buf: ArrayBuffer,
    private readonly data: Float64Array,
    private readonly d: number,
    c: Float64Array,
    private readonly k: number,
    room: number,
  ) {
    this.xsAt = this.cAt + k * d * 8;
    this.outAt = this.xsAt + room * d * 8;
    this.rowBytes = d * 8;
    new Float64Array(buf, this.cAt, k * d).set(c.subarray(0, k * d));
    this.xs = new Float64Array(buf, this.xsAt, room * d);
    this.out = new Float64Array(buf, this.outAt, room * k);
  }

  load(from: number, count: number): void {
    this.xs.set(this.data.subarray(from * this.d, (from + count) * this.d));
  }

  point(i: number): void {
    const { xs, data, d } = this;
    const at = i * d;
    for (let j = 0; j < d; j++) xs[j] = data[at + j] as number;
  }

  one(i: number, j: number): number {
    return this.x.sq(this.xsAt + i * this.rowBytes, this.cAt + j * this.rowBytes, this.d);
  }

  all(count: number): Float64Array {
    this.x.all(this.xsAt, count, this.cAt, this.k, this.d, this.outAt);
    return this.out;
  }
}

/** pointDistances with sqDist. */
class ScalarDistances implements PointDistances {
  private at = 0;
  private out = new Float64Array(0);

  constructor(
    private readonly data: Float64Array,
    private readonly d: number,
    private readonly c: Float64Array,
    private readonly k: number,
  ) {}

  load(from: number): void {
    this.at = from * this.d;
  }

  point(i: number): void {
    this.at = i * this.d;
  }

  one(i: number, j: number): number {
    return sqDist(this.data, this.at + i * this.d, this.c, j * this.d, this.d);
  }

  all(count: number): Float64Array {
    const { data, d, c, k, at } = this;
    if (this.out.length < count * k) this.out = new Float64Array(count * k);
    const out = this.out;
    for (let i = 0; i < count; i++)
      for (let j = 0; j < k; j++) out[i * k + j] = sqDist(data, at + i * d, c, j * d, d);
    return out;
  }
}
