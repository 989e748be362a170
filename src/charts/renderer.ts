import { Worker } from "node:worker_threads";
import { workerFileExists } from "../util/worker-file.js";

/**
 * Where charts are rendered. vega and vega-lite take about half a second to load and each
 * run's charts about as long again to render (the 143k run: 0.45 s and 0.77 s, all of it on
 * the main thread before). A run with two threads starts a rendering thread
 * (`startChartWorker`) once its clustering is done (the weekly run at its start, its ingest
 * being on one thread); the vega libraries load there, and the report's charts are rendered
 * there while the main thread writes the theme files, the tables and the report. Without
 * that thread (one thread, or the commands that only write a report) the charts are rendered
 * on the main thread, which then loads the libraries when the first chart is drawn. The bytes
 * are the same either way (tested).
 */

/** A chart drawn: its SVG text and PNG bytes. */
export interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

export interface RenderRequest {
  id: number;
  spec: Record<string, unknown>;
}

export type RenderReply =
  { id: number; svg: string; png: Uint8Array } | { id: number; error: string };

let here: Promise<unknown> = Promise.resolve();

/**
 * Renders on the calling thread (the main thread, or the rendering thread serving its
 * requests), loading the libraries on first use: the SVGs one after another in the order
 * asked, each PNG drawn on libuv's pool while the next SVG is made.
 */
export function renderHere(spec: Record<string, unknown>): Promise<RenderedChart> {
  const svg = here.then(async () => {
    const { renderSvg } = await import("./render.js");
    return renderSvg(spec);
  });
  here = svg.catch(() => undefined);
  return svg.then(async (text) => {
    const { svgToPngAsync } = await import("./render.js");
    return { svg: text, png: await svgToPngAsync(text) };
  });
}

const workerUrl = new URL("./render-worker.js", import.meta.url);

interface Pending {
  spec: Record<string, unknown>;
  resolve: (r: RenderedChart) => void;
  reject: (e: Error) => void;
}

class ChartWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  /** set when the thread failed or was stopped: requests then render on the main thread */
  private gone = false;

  constructor() {
    this.worker = new Worker(workerUrl);
    // an idle renderer never keeps the process up; one with charts to answer does
    this.worker.unref();
    this.worker.on("message", (m: RenderReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if ("error" in m) p.reject(new Error(`chart rendering failed: ${m.error}`));
      else p.resolve({ svg: m.svg, png: m.png });
    });
    // a thread that cannot start or dies: what it was asked is drawn here instead
    const lost = (): void => this.lose();
    this.worker.on("error", lost);
    this.worker.on("exit", lost);
  }

  render(spec: Record<string, unknown>): Promise<RenderedChart> {
    if (this.gone) return renderHere(spec);
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { spec, resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, spec } satisfies RenderRequest);
    });
  }

  private lose(): void {
    if (this.gone) return;
    this.gone = true;
    const left = [...this.pending.values()];
    this.pending.clear();
    for (const p of left) renderHere(p.spec).then(p.resolve, p.reject);
  }

  async stop(): Promise<void> {
    this.lose();
    await this.worker.terminate();
  }
}

let current: ChartWorker | null = null;

/**
 * Starts the rendering thread (once), if the compiled worker is there (not when running from
 * the TypeScript sources, as the tests do: charts are then drawn here).
 */
export function startChartWorker(): void {
  if (current || !workerFileExists(workerUrl)) return;
  current = new ChartWorker();
}

/** Whether charts go to the rendering thread. */
export function chartWorkerStarted(): boolean {
  return current !== null;
}

/** Stops the rendering thread, if one was started; charts are then drawn on the main thread. */
export async function stopChartWorker(): Promise<void> {
  const w = current;
  current = null;
  await w?.stop();
}

/** Renders a chart, on the rendering thread when one was started. */
export function renderChart(spec: Record<string, unknown>): Promise<RenderedChart> {
  return current ? current.render(spec) : renderHere(spec);
}
