import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { GRAM_BLOCK, gramRows, matmulRows } from "../cluster/linalg.js";
import { lloydRestarts, type Points, type RestartRun } from "../cluster/kmeans.js";
import { csrTimesDenseRows, type Csr } from "../vectorize/sparse.js";

/**
 * The LSA's dense and sparse products on several threads, over shared memory: the operands
 * are copied once into SharedArrayBuffers, each thread computes a range of output rows, and
 * nothing is sent back but "done". Every output row is computed exactly as on one thread (and
 * Gram sums run in fixed blocks), so results do not depend on the thread count.
 */

type Floats = Float32Array | Float64Array;

export interface Kernels {
  csrTimesDense(m: Csr, w: Floats, k: number, colOf?: Int32Array | null): Promise<Float64Array>;
  matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number): Promise<Float64Array>;
  gram(a: Float64Array, n: number, k: number): Promise<Float64Array>;
  /** k-means restarts on a sample, one per start, spread over the threads */
  lloydRestarts(
    p: Points,
    inits: readonly Float64Array[],
    k: number,
    maxIterations: number,
    tolerance: number,
  ): Promise<RestartRun[]>;
  close(): void;
}

/** Sums the Gram blocks of rows [0, n) of a in block order (any thread count, same result). */
function sumBlocks(partials: Float64Array[], k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (const p of partials)
    for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) + (p[i] as number);
  return g;
}

function gramBlocks(
  a: Float64Array,
  n: number,
  k: number,
  from: number,
  to: number,
): Float64Array[] {
  const out: Float64Array[] = [];
  for (let b = from; b < to; b++)
    out.push(gramRows(a, k, b * GRAM_BLOCK, Math.min(n, (b + 1) * GRAM_BLOCK)));
  return out;
}

/** The same products on the calling thread only. */
export const serialKernels: Kernels = {
  csrTimesDense: (m, w, k, colOf = null) => {
    const y = new Float64Array(m.nRows * k);
    csrTimesDenseRows(m, w, k, colOf, y, 0, m.nRows);
    return Promise.resolve(y);
  },
  matmul: (a, n, k, b, m) => {
    const c = new Float64Array(n * m);
    matmulRows(a, k, b, m, c, 0, n);
    return Promise.resolve(c);
  },
  gram: (a, n, k) =>
    Promise.resolve(sumBlocks(gramBlocks(a, n, k, 0, Math.ceil(n / GRAM_BLOCK)), k)),
  lloydRestarts: (p, inits, k, maxIterations, tolerance) =>
    Promise.resolve(lloydRestarts(p, inits, k, maxIterations, tolerance)),
  close: () => undefined,
};

const workerUrl = new URL("./kernel-worker.js", import.meta.url);

function shared<T extends Int32Array | Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const s = new Ctor(new SharedArrayBuffer(a.byteLength));
  s.set(a as never);
  return s;
}

function sharedZeros(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

/** Row boundaries splitting [0, n) into `parts` ranges of about equal work. */
function split(n: number, parts: number, work: (r: number) => number): number[] {
  const total = work(n);
  const cuts = [0];
  let r = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (r < n && work(r) < target) r++;
    cuts.push(r);
  }
  cuts.push(n);
  return cuts;
}

export interface KernelTask {
  op: "csrTimesDense" | "matmul" | "gram" | "lloydRestarts";
  [key: string]: unknown;
}

/** What a kernel worker answers: nothing (rows written in place), Gram blocks, or restarts. */
export interface WorkerReply {
  gram?: Float64Array[];
  runs?: RestartRun[];
}

class PoolKernels implements Kernels {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    Worker,
    { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }
  >();
  /** shared copies of matrices used more than once (the LSA sample and its transpose) */
  private readonly copies = new WeakMap<Csr, Csr>();

  constructor(extra: number) {
    this.workers = Array.from({ length: extra }, () => {
      const w = new Worker(workerUrl);
      w.on("message", (m: WorkerReply) => {
        const task = this.waiting.get(w);
        this.waiting.delete(w);
        task?.resolve(m);
      });
      w.on("error", (e: Error) => {
        const task = this.waiting.get(w);
        this.waiting.delete(w);
        task?.reject(e);
      });
      return w;
    });
  }

  private run(w: Worker, task: KernelTask): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(w, { resolve, reject });
      w.postMessage(task);
    });
  }

  private sharedCsr(m: Csr): Csr {
    let s = this.copies.get(m);
    if (!s) {
      s = { ...m, indptr: shared(m.indptr), indices: shared(m.indices), data: shared(m.data) };
      this.copies.set(m, s);
    }
    return s;
  }

  async csrTimesDense(m: Csr, w: Floats, k: number, colOf: Int32Array | null = null) {
    const x = this.sharedCsr(m);
    const y = sharedZeros(m.nRows * k);
    const cuts = split(m.nRows, this.workers.length + 1, (r) => x.indptr[r] as number);
    const ws = shared(w);
    const cs = colOf ? shared(colOf) : null;
    const pending = this.workers.map((wk, i) =>
      this.run(wk, {
        op: "csrTimesDense",
        indptr: x.indptr,
        indices: x.indices,
        data: x.data,
        nRows: x.nRows,
        nCols: x.nCols,
        w: ws,
        k,
        colOf: cs,
        out: y,
        from: cuts[i + 1],
        to: cuts[i + 2],
      }),
    );
    csrTimesDenseRows(x, ws, k, cs, y, 0, cuts[1] as number);
    await Promise.all(pending);
    return y;
  }

  async matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number) {
    const as = shared(a);
    const bs = shared(b);
    const c = sharedZeros(n * m);
    const cuts = split(n, this.workers.length + 1, (r) => r);
    const pending = this.workers.map((wk, i) =>
      this.run(wk, {
        op: "matmul",
        a: as,
        k,
        b: bs,
        m,
        out: c,
        from: cuts[i + 1],
        to: cuts[i + 2],
      }),
    );
    matmulRows(as, k, bs, m, c, 0, cuts[1] as number);
    await Promise.all(pending);
    return c;
  }

  async gram(a: Float64Array, n: number, k: number) {
    const blocks = Math.ceil(n / GRAM_BLOCK);
    const as = shared(a);
    const cuts = split(blocks, this.workers.length + 1, (b) => b);
    const pending = this.workers.map((wk, i) =>
      this.run(wk, { op: "gram", a: as, n, k, from: cuts[i + 1], to: cuts[i + 2] }),
    );
    const mine = gramBlocks(as, n, k, 0, cuts[1] as number);
    const theirs = await Promise.all(pending);
    return sumBlocks([...mine, ...theirs.flatMap((t) => t.gram ?? [])], k);
  }

  async lloydRestarts(
    p: Points,
    inits: readonly Float64Array[],
    k: number,
    maxIterations: number,
    tolerance: number,
  ): Promise<RestartRun[]> {
    const threads = this.workers.length + 1;
    const points = shared(p.data);
    // restart i runs on thread i mod threads; the main thread takes thread 0's share
    const share = (t: number): number[] => inits.map((_, i) => i).filter((i) => i % threads === t);
    const pending = this.workers.map((wk, w) =>
      this.run(wk, {
        op: "lloydRestarts",
        data: points,
        n: p.n,
        d: p.d,
        inits: share(w + 1).map((i) => inits[i]),
        k,
        maxIterations,
        tolerance,
      }),
    );
    const out = new Array<RestartRun>(inits.length);
    const mine = share(0);
    lloydRestarts(
      p,
      mine.map((i) => inits[i] as Float64Array),
      k,
      maxIterations,
      tolerance,
    ).forEach((r, j) => (out[mine[j] as number] = r));
    (await Promise.all(pending)).forEach((reply, w) => {
      const ids = share(w + 1);
      (reply.runs ?? []).forEach((r, j) => (out[ids[j] as number] = r));
    });
    return out;
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}

/** Kernels on `threads` threads (the calling one included), or on this one alone. */
export function openKernels(threads: number): Kernels {
  const canSpawn = workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl));
  return threads > 1 && canSpawn ? new PoolKernels(threads - 1) : serialKernels;
}
