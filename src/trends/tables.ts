import { createRequire } from "node:module";
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from "node:worker_threads";
import type * as Danfo from "danfojs-node/dist/danfojs-base/index.js";

/**
 * danfojs-node's group-by, which the trend series are aggregated with. The library takes
 * about a second to load (mathjs, TensorFlow.js, xlsx, ...), all of it on the thread that
 * requires it. A command that will draw series starts it on a worker thread at once
 * (`startSeriesTables`), where it loads while the main thread imports the CLI and ingests;
 * each group-by then runs there, the main thread waiting for the answer (Atomics.wait, so the
 * series stay synchronous). Without that worker, the library loads on the main thread at the
 * first group-by.
 *
 * What is loaded is the package's core (`dist/danfojs-base`: frames, group-by, TensorFlow.js,
 * mathjs), not its Node entry point, which adds the file readers and writers (xlsx, CSV and
 * JSON streams) and took 0.94 s to load against the core's 0.51 s here. The rows are made from
 * the aggregated frame's columns and values as the entry point's `toJSON` makes them.
 */

/** The part of danfojs-node loaded (see above); package.json pins the version. */
const LIBRARY = "danfojs-node/dist/danfojs-base/index.js";

/** Columns of a table, by name (all of one length). */
export type Columns = Record<string, readonly (string | number)[]>;
/** Aggregations by column: "sum", "median", ... or several. */
export type Aggregations = Record<string, string | string[]>;
/** An aggregated row: the group's keys, then `column_aggregation` values. */
export type Row = Record<string, unknown>;

interface Request {
  columns: Columns;
  by: string[];
  agg: Aggregations;
}
type Reply = { rows: Row[] } | { error: string };

/** The worker's script (eval'd: it runs from the TypeScript sources too). */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { port, flag, from, library } = workerData;
let dfd = null;
let failed = null;
try {
  dfd = require("node:module").createRequire(from)(library);
} catch (e) {
  failed = String((e && e.stack) || e);
}
${rowsOf.toString()}
port.on("message", ({ columns, by, agg }) => {
  let reply;
  try {
    if (failed) throw new Error(failed);
    reply = { rows: rowsOf(new dfd.DataFrame(columns).groupby(by).agg(agg)) };
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** How long a group-by may wait for the worker (loading included) before going without it. */
const HELPER_WAIT_MS = 120_000;

let helper: { worker: Worker; port: MessagePort; flag: Int32Array } | null = null;
let danfo: typeof Danfo | null = null;

/** Starts loading the table library on a worker thread (once; it never keeps the process up). */
export function startSeriesTables(): void {
  if (helper) return;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { port: port2, flag, from: import.meta.url, library: LIBRARY },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  helper = { worker, port: port1, flag };
}

/** Whether group-bys go to the worker thread. */
export function seriesTablesOnWorker(): boolean {
  return helper !== null;
}

/** Stops the worker thread, if one was started; group-bys then load the library here. */
export async function stopSeriesTables(): Promise<void> {
  const h = helper;
  helper = null;
  if (h) {
    h.port.close();
    await h.worker.terminate();
  }
}

/** `columns` grouped by the `by` columns, aggregated: a row per group, in danfojs-node's order. */
export function groupAggregate(columns: Columns, by: string[], agg: Aggregations): Row[] {
  const request: Request = { columns, by, agg };
  if (helper) {
    const reply = ask(helper, request);
    if (reply) {
      if ("error" in reply) throw new Error(`danfojs-node group-by failed: ${reply.error}`);
      return reply.rows;
    }
    // no answer in time: the worker is gone or stuck, so the library loads here instead
    void stopSeriesTables();
  }
  danfo ??= createRequire(import.meta.url)(LIBRARY) as typeof Danfo;
  const df = new danfo.DataFrame(columns as Record<string, (string | number)[]>);
  return rowsOf(df.groupby(by).agg(agg));
}

/**
 * A frame's rows as objects, column name → value (what danfojs-node's `toJSON` gives). Also
 * the worker's: it is put into the worker's script as source, so it refers to nothing else.
 */
function rowsOf(df: { columns: string[]; values: unknown[] }): Row[] {
  const columns = df.columns;
  return df.values.map((values) => {
    const row: Row = {};
    columns.forEach((c, i) => {
      row[c] = (values as unknown[])[i];
    });
    return row;
  });
}

function ask(h: NonNullable<typeof helper>, request: Request): Reply | null {
  Atomics.store(h.flag, 0, 0);
  h.port.postMessage(request);
  const until = performance.now() + HELPER_WAIT_MS;
  for (;;) {
    const m = receiveMessageOnPort(h.port);
    if (m) return m.message as Reply;
    const left = until - performance.now();
    if (left <= 0) return null;
    // the worker sets the flag once its answer is posted
    Atomics.wait(h.flag, 0, 0, Math.min(left, 1000));
  }
}
