import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import type { ReportContent } from "./content.js";

/** HTML text from data: every character that could open markup or an attribute is escaped. */
export function esc(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no "</script", no HTML comment openers. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const require = createRequire(import.meta.url);

/** A package's folder (their "exports" hide the browser bundles from require.resolve). */
function packageDir(name: string): string {
  const main = require.resolve(name);
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  return main.slice(0, main.lastIndexOf(marker) + marker.length);
}

/** vega, vega-lite and vega-embed browser bundles, inlined so the page works offline. */
function libraries(): string {
  const bundles: [string, string][] = [
    ["vega", "build/vega.min.js"],
    ["vega-lite", "build/vega-lite.min.js"],
    ["vega-embed", "build/vega-embed.min.js"],
  ];
  return bundles
    .map(([pkg, file]) =>
      readFileSync(join(packageDir(pkg), file), "utf8").replace(/<\/(script)/gi, "<\\/$1"),
    )
    .map((js) => `<script>${js}</script>`)
    .join("\n");
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function reportHtml(
  c: ReportContent,
  specs: { name: string; spec: Record<string, unknown> }[],
): string {
  const link = (title: string, url: string | null): string =>
    url ? `<a href="${esc(url)}">${esc(title)}</a>` : esc(title);
  const keyed = c.themes.some((t) => t.key !== null);
  const themes = c.themes
    .map(
      (t) =>
        `<tr>${keyed ? `<td>${esc(t.key ?? "")}</td>` : ""}<td>${esc(t.name)}</td><td>${esc(t.kind)}</td><td class="n">${t.size}</td><td class="n">${esc(t.share)}</td><td>${esc(t.terms)}</td><td>${t.papers
          .map((p) => link(p.title, p.url))
          .join("<br>")}</td></tr>`,
    )
    .join("\n");
  const terms = c.terms
    .map((t) => {
      const ex = t.examples[0];
      return `<tr><td>${esc(t.name)}</td><td class="n">${t.countNow}</td><td class="n">${pct(t.shareNow)}</td><td class="n">${pct(t.shareBase)}</td><td class="n">${t.ratio === null ? "new" : t.ratio.toFixed(2)}</td><td class="n">${t.q.toPrecision(2)}</td><td>${ex ? link(ex.title, `https://arxiv.org/abs/${encodeURIComponent(ex.id)}`) : ""}</td></tr>`;
    })
    .join("\n");
  const charts = specs
    .map((s) => `<figure><div class="chart" id="chart-${esc(s.name)}"></div></figure>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.title)}</title>
<style>
body{font-family:"DejaVu Sans",system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem} .sub{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.9rem} td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right} figure{margin:1.5rem 0} .chart{width:100%}
pre{background:#f6f6f6;padding:1rem;overflow:auto;font-size:.8rem}
</style>
</head>
<body>
<h1>${esc(c.title)}</h1>
<p class="sub">${esc(c.subtitle)}</p>
<h2>Headline</h2>
<ul>${c.headline.map((h) => `<li>${esc(h)}</li>`).join("\n")}</ul>
${c.changes ? `<h2 id="changes">${esc(c.changes.title)}</h2>\n<ul>${c.changes.lines.map((l) => `<li>${esc(l)}</li>`).join("\n")}</ul>\n` : ""}<h2>Themes</h2>
<table><thead><tr>${keyed ? "<th>id</th>" : ""}<th>theme</th><th>kind</th><th class="n">papers</th><th class="n">share</th><th>top terms</th><th>representative papers</th></tr></thead>
<tbody>
${themes}
</tbody></table>
<h2>Charts</h2>
${charts}
${c.terms.length ? `<h2>Rising terms</h2>\n<table><thead><tr><th>term</th><th class="n">papers now</th><th class="n">share now</th><th class="n">share before</th><th class="n">ratio</th><th class="n">q</th><th>example</th></tr></thead><tbody>\n${terms}\n</tbody></table>` : ""}
<h2>Data quality</h2>
<ul>${c.quality.map((q) => `<li>${esc(q)}</li>`).join("\n")}</ul>
<h2>Run manifest</h2>
<pre>${esc(JSON.stringify(c.manifest, null, 2))}</pre>
<script type="application/json" id="specs">${scriptJson(specs)}</script>
${libraries()}
<script>
(function () {
  var specs = JSON.parse(document.getElementById("specs").textContent);
  specs.forEach(function (s) {
    // the page's width, not the preset's: charts fill the column; tooltips and legends stay interactive
    var spec = Object.assign({}, s.spec, { width: "container", autosize: { type: "fit-x", contains: "padding" } });
    vegaEmbed("#chart-" + s.name, spec, { renderer: "svg", actions: false, tooltip: true }).catch(function (e) {
      document.getElementById("chart-" + s.name).textContent = "chart failed: " + e.message;
      console.error(e);
    });
  });
})();
</script>
</body>
</html>
`;
}
