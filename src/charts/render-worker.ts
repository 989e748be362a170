// The chart-rendering thread (see renderer.ts): loads vega, vega-lite and resvg as it starts,
// then draws the requested charts as the main thread would (`renderHere`: the SVGs one at a
// time in the order asked, so that vega's process-wide counters run as they would there, each
// PNG drawn on libuv's pool while the next SVG is made), and answers each request with both.
import { parentPort } from "node:worker_threads";
import "./render.js";
import { renderHere, type RenderReply, type RenderRequest } from "./renderer.js";

const port = parentPort;
if (!port) throw new Error("render-worker.js runs as a worker thread");

port.on("message", ({ id, spec }: RenderRequest) => {
  renderHere(spec).then(
    ({ svg, png }) => port.postMessage({ id, svg, png } satisfies RenderReply),
    (e: unknown) =>
      port.postMessage({
        id,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      } satisfies RenderReply),
  );
});
