import { renderAsync, Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { LoggerInterface } from "vega-util";
import { FONT } from "./specs.js";

/**
 * Headless rendering: Vega-Lite → Vega → SVG with vega's View (no browser), and SVG → PNG with
 * resvg, using a font that is installed here (DejaVu Sans, Debian's fonts-dejavu-core).
 */
/** Compiles Vega-Lite to Vega; the compiler's warnings are returned, never printed. */
export function compileSpec(spec: Record<string, unknown>): {
  vega: vega.Spec;
  warnings: string[];
} {
  const warnings: string[] = [];
  const collect = (...args: unknown[]): void => {
    warnings.push(args.map(String).join(" "));
  };
  const logger: LoggerInterface = {
    level(_?: number) {
      return 2; // Warn: warnings and errors reach collect(), nothing is printed
    },
    error: (...args: readonly unknown[]) => (collect(...args), logger),
    warn: (...args: readonly unknown[]) => (collect(...args), logger),
    info: () => logger,
    debug: () => logger,
  } as LoggerInterface;
  const out = compile(spec as unknown as TopLevelSpec, { logger });
  return { vega: out.spec as vega.Spec, warnings };
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vgSpec = compileSpec(spec).vega;
  // vega's clip and gradient ids come from counters shared by the whole process: reset, each
  // chart's ids are the same whatever charts were drawn before it, and in whatever order
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return renumberGradients(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers gradients with a counter shared by the whole process (gradient_4 in one chart
 * may be gradient_9 in the next run of the same chart): renumbered per SVG from 0, in order of
 * first appearance, the same chart renders to the same bytes however many came before it.
 */
export function renumberGradients(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/gradient_\d+/g, (id) => {
    let to = ids.get(id);
    if (to === undefined) {
      to = `gradient_${ids.size}`;
      ids.set(id, to);
    }
    return to;
  });
}

const PNG_OPTIONS: ResvgRenderOptions = {
  font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  background: "white",
};

export function svgToPng(svg: string): Buffer {
  return Buffer.from(new Resvg(svg, PNG_OPTIONS).render().asPng());
}

/**
 * svgToPng off the main thread (on libuv's thread pool): the same bytes, while the main
 * thread goes on (with the next chart's SVG, say).
 */
export async function svgToPngAsync(svg: string): Promise<Buffer> {
  return Buffer.from((await renderAsync(svg, PNG_OPTIONS)).asPng());
}
