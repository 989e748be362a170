// Plain counts to check rising terms against: the fraction of papers (title + abstract) per
// month that mention a pattern, straight from a corpus file, no tokenizer, no model.
// Usage: node bench/term-check.js CORPUS.jsonl[.gz] FROM-MONTH TO-MONTH REGEX [REGEX...]
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

const [file, from, to, ...patterns] = process.argv.slice(2);
const res = patterns.map((p) => new RegExp(p, "i"));
const input = file.endsWith(".gz")
  ? createReadStream(file).pipe(createGunzip())
  : createReadStream(file);
const totals = new Map();
const hits = patterns.map(() => new Map());
for await (const line of createInterface({ input })) {
  if (!line.trim()) continue;
  const p = JSON.parse(line);
  const month = p.date?.slice(0, 7);
  if (!month || month < from || month > to) continue;
  totals.set(month, (totals.get(month) ?? 0) + 1);
  const text = `${p.title} ${p.abstract}`;
  res.forEach((re, i) => {
    if (re.test(text)) hits[i].set(month, (hits[i].get(month) ?? 0) + 1);
  });
}
const months = [...totals.keys()].sort();
console.log(["month", "papers", ...patterns].join("\t"));
for (const m of months) {
  const n = totals.get(m);
  console.log(
    [
      m,
      n,
      ...hits.map((h) => `${h.get(m) ?? 0} (${((100 * (h.get(m) ?? 0)) / n).toFixed(1)}%)`),
    ].join("\t"),
  );
}
