// A kernel worker thread (see kernels.ts): computes its range of a task (rows of a product,
// point blocks of k-means, rows or clusters of the labels' sums) on shared memory, and
// answers with what is small: nothing, Gram blocks, restarts, a changed count or cluster terms.
import { parentPort } from "node:worker_threads";
import { gramBlocks, matmulRows } from "../cluster/linalg.js";
import {
  assignBlocks,
  lloydRestarts,
  lloydStep,
  loadMlKmeans,
  mlRestarts,
} from "../cluster/kmeans.js";
import { clusterTerms, countColumns } from "../cluster/labels.js";
import { csrTimesDenseRows } from "../vectorize/sparse.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- task fields are checked by op; any
   here avoids restating each kernel's parameter types for a structured-clone message */

/** The sparse matrix a task carries in its fields. */
const csrOf = (t: any) => ({
  nRows: t.nRows,
  nCols: t.nCols,
  indptr: t.indptr,
  indices: t.indices,
  data: t.data,
});

parentPort?.on("message", (t: any) => {
  if (t.op === "csrTimesDense") {
    csrTimesDenseRows(csrOf(t), t.w, t.k, t.colOf, t.out, t.from, t.to);
    parentPort?.postMessage({});
  } else if (t.op === "matmul") {
    matmulRows(t.a, t.k, t.b, t.m, t.out, t.from, t.to);
    parentPort?.postMessage({});
  } else if (t.op === "gram") {
    parentPort?.postMessage({ gram: gramBlocks(t.a, t.n, t.k, t.from, t.to) });
  } else if (t.op === "lloydStep") {
    parentPort?.postMessage({ changed: lloydStep(t.state, t.first, t.from, t.to) });
  } else if (t.op === "assign") {
    const p = { data: t.data, n: t.n, d: t.d };
    assignBlocks(p, t.c, t.k, t.labels, t.inertia, t.from, t.to);
    parentPort?.postMessage({});
  } else if (t.op === "countColumns") {
    countColumns(csrOf(t), t.labels, t.ft, t.words, t.from, t.to);
    parentPort?.postMessage({});
  } else if (t.op === "clusterTerms") {
    const job = {
      counts: csrOf(t),
      values: t.values,
      rows: { order: t.order, start: t.start },
      idf: t.idf,
      words: t.words,
      spare: t.spare,
      top: t.top,
    };
    parentPort?.postMessage({ terms: clusterTerms(job, t.clusters) });
  } else if (t.op === "lloydRestarts") {
    const p = { data: t.data, n: t.n, d: t.d };
    parentPort?.postMessage({
      runs: lloydRestarts(p, t.inits, t.k, t.maxIterations, t.tolerance),
    });
  } else if (t.op === "mlRestarts") {
    const p = { data: t.data, n: t.n, d: t.d };
    void loadMlKmeans().then(() =>
      parentPort?.postMessage({
        runs: mlRestarts(p, t.inits, t.k, t.maxIterations, t.tolerance),
      }),
    );
  }
});
