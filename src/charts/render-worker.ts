// The chart-rendering thread (see renderer.ts): loads vega, vega-lite and resvg, then renders
// the requested charts' SVGs one at a time in the order asked (vega's process-wide counters
// then run as they would on the main thread), each chart's PNG drawn on libuv's pool while the
// next SVG is made, and answers each request with both.
import { parentPort } from "node:worker_threads";
import { renderSvg, svgToPngAsync } from "./render.js";
import type { RenderReply, RenderRequest } from "./renderer.js";

const port = parentPort;
if (!port) throw new Error("render-worker.js runs as a worker thread");

const fail = (id: number, e: unknown): void =>
  port.postMessage({
    id,
    error: e instanceof Error ? (e.stack ?? e.message) : String(e),
  } satisfies RenderReply);

let svgs: Promise<void> = Promise.resolve();
port.on("message", ({ id, spec }: RenderRequest) => {
  svgs = svgs.then(async () => {
    try {
      const svg = await renderSvg(spec);
      svgToPngAsync(svg).then(
        (png) => port.postMessage({ id, svg, png } satisfies RenderReply),
        (e: unknown) => fail(id, e),
      );
    } catch (e) {
      fail(id, e);
    }
  });
});
