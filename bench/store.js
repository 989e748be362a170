// Corpus store benchmark: SQLite (better-sqlite3) against DuckDB (@duckdb/node-api) at 1M papers.
// Usage: node bench/store.js [N=1000000] [RUNS=3]
// Each engine runs in a fresh child process per run, on the same resampled corpus
// (bench/resample.js, cached under $BENCH_DIR), in a layout like src/store's (an id primary
// key, the date indexed, the record as JSON) plus week and title columns for the per-week query:
//   papers(id primary key, date, week, title, record JSON), index on date.
// Measured: bulk upsert of N papers in batches of 10,000 (one transaction each); a weekly
// upsert of 10,000 papers (half new, half already stored); counts per ISO week over all papers;
// the papers of one week; every paper up to a date (what a run reads); file size; peak RSS.
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { join } from "node:path";
import { resample } from "./resample.js";
import { periodOf } from "../dist/util/periods.js";

const BENCH_DIR = process.env.BENCH_DIR ?? "/tmp/papertrends-bench";
const BATCH = 10_000;

async function readRows(file) {
  const rows = [];
  for await (const line of createInterface({
    input: createReadStream(file).pipe(createGunzip()),
  })) {
    if (!line) continue;
    const r = JSON.parse(line);
    rows.push({
      id: r.id,
      date: r.published,
      week: periodOf(r.published, "week"),
      title: r.title,
      record: JSON.stringify({
        id: r.id,
        title: r.title,
        abstract: r.abstract,
        date: r.published,
        categories: r.categories,
      }),
    });
  }
  return rows;
}

function weekly(rows) {
  // half of them already stored (updated records), half new ids
  const out = [];
  for (let i = 0; i < BATCH; i++) {
    const r = rows[(i * 97) % rows.length];
    out.push(
      i % 2 === 0
        ? { ...r, record: r.record.replace('"title"', '"upvotes":3,"title"') }
        : { ...r, id: `new.${i}` },
    );
  }
  return out;
}

const time = async (f) => {
  const t = performance.now();
  const v = await f();
  return [(performance.now() - t) / 1000, v];
};

async function sqlite(rows, file) {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`CREATE TABLE papers (id TEXT PRIMARY KEY, date TEXT, week TEXT, title TEXT, record TEXT);
           CREATE INDEX papers_date ON papers(date);`);
  const up = db.prepare(`INSERT INTO papers VALUES (@id, @date, @week, @title, @record)
    ON CONFLICT(id) DO UPDATE SET date=excluded.date, week=excluded.week, title=excluded.title, record=excluded.record`);
  const batch = db.transaction((b) => {
    for (const r of b) up.run(r);
  });
  const m = {};
  [m.bulk] = await time(() => {
    for (let i = 0; i < rows.length; i += BATCH) batch(rows.slice(i, i + BATCH));
  });
  [m.weekly] = await time(() => batch(weekly(rows)));
  let v;
  [m.perWeek, v] = await time(() =>
    db.prepare("SELECT week, count(*) AS n FROM papers GROUP BY week ORDER BY week").all(),
  );
  m.weeks = v.length;
  [m.oneWeek, v] = await time(() =>
    db
      .prepare("SELECT record FROM papers WHERE date >= ? AND date < ?")
      .all("2024-03-04", "2024-03-11")
      .map((r) => JSON.parse(r.record)),
  );
  m.oneWeekRows = v.length;
  [m.upToDate, v] = await time(() => {
    let n = 0;
    for (const r of db
      .prepare("SELECT record FROM papers WHERE date <= ? ORDER BY id")
      .iterate("2025-10-31")) {
      JSON.parse(r.record);
      n++;
    }
    return n;
  });
  m.upToDateRows = v;
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  m.mb = statSync(file).size / 1e6;
  return m;
}

async function duckdb(rows, file) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  await c.run(`CREATE TABLE papers (id VARCHAR PRIMARY KEY, date VARCHAR, week VARCHAR, title VARCHAR, record VARCHAR);
               CREATE INDEX papers_date ON papers(date);
               CREATE TEMP TABLE stage (id VARCHAR, date VARCHAR, week VARCHAR, title VARCHAR, record VARCHAR);`);
  const batch = async (b) => {
    const a = await c.createAppender("stage");
    for (const r of b) {
      a.appendVarchar(r.id);
      a.appendVarchar(r.date);
      a.appendVarchar(r.week);
      a.appendVarchar(r.title);
      a.appendVarchar(r.record);
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
    await c.run(`BEGIN; INSERT INTO papers SELECT * FROM stage ON CONFLICT (id) DO UPDATE SET date=excluded.date, week=excluded.week, title=excluded.title, record=excluded.record;
                 DELETE FROM stage; COMMIT;`);
  };
  const m = {};
  [m.bulk] = await time(async () => {
    for (let i = 0; i < rows.length; i += BATCH) await batch(rows.slice(i, i + BATCH));
  });
  [m.weekly] = await time(() => batch(weekly(rows)));
  let v;
  [m.perWeek, v] = await time(async () =>
    (
      await c.runAndReadAll("SELECT week, count(*) AS n FROM papers GROUP BY week ORDER BY week")
    ).getRows(),
  );
  m.weeks = v.length;
  [m.oneWeek, v] = await time(async () =>
    (
      await c.runAndReadAll(
        "SELECT record FROM papers WHERE date >= '2024-03-04' AND date < '2024-03-11'",
      )
    )
      .getRows()
      .map((r) => JSON.parse(r[0])),
  );
  m.oneWeekRows = v.length;
  [m.upToDate, v] = await time(async () => {
    let n = 0;
    for (const r of (
      await c.runAndReadAll("SELECT record FROM papers WHERE date <= '2025-10-31' ORDER BY id")
    ).getRows()) {
      JSON.parse(r[0]);
      n++;
    }
    return n;
  });
  m.upToDateRows = v;
  await c.run("CHECKPOINT");
  c.closeSync();
  inst.closeSync();
  m.mb = statSync(file).size / 1e6;
  return m;
}

async function child(engine, n) {
  const src = join(BENCH_DIR, `arxiv-resampled-${n}.jsonl.gz`);
  const rows = await readRows(src);
  const dir = join(BENCH_DIR, "store");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${engine}-${process.pid}.db`);
  rmSync(file, { force: true });
  const m = engine === "sqlite" ? await sqlite(rows, file) : await duckdb(rows, file);
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.wal`]) rmSync(f, { force: true });
  m.rssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(m) + "\n");
}

function runChild(engine, n) {
  return new Promise((res, rej) => {
    const p = spawn(
      process.execPath,
      [new URL(import.meta.url).pathname, "--child", engine, String(n)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) =>
      code === 0
        ? res(JSON.parse(out.trim().split("\n").pop()))
        : rej(new Error(`${engine} exited ${code}`)),
    );
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function storeBench(n, runs) {
  const src = join(BENCH_DIR, `arxiv-resampled-${n}.jsonl.gz`);
  if (!existsSync(src)) {
    mkdirSync(BENCH_DIR, { recursive: true });
    await resample(
      new URL("../../shared/data/arxiv-abstracts-143k.jsonl.gz", import.meta.url).pathname,
      n,
      src,
    );
  }
  const result = {};
  for (const engine of ["sqlite", "duckdb"]) {
    const all = [];
    for (let r = 0; r < runs; r++) all.push(await runChild(engine, n));
    result[engine] = Object.fromEntries(
      Object.keys(all[0]).map((k) => [k, median(all.map((m) => m[k]))]),
    );
    result[engine].runs = runs;
  }
  return result;
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], Number(process.argv[4]));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 3);
  const r = await storeBench(n, runs);
  const rows = [
    ["bulk upsert (s)", "bulk"],
    ["weekly upsert of 10k (s)", "weekly"],
    ["counts per week (s)", "perWeek"],
    ["papers of one week (s)", "oneWeek"],
    ["papers up to a date (s)", "upToDate"],
    ["file (MB)", "mb"],
    ["peak RSS (MB)", "rssMB"],
  ];
  console.log(
    `| ${n.toLocaleString("en")} papers, median of ${runs} | SQLite | DuckDB |\n|---|---:|---:|`,
  );
  for (const [label, k] of rows)
    console.log(`| ${label} | ${r.sqlite[k].toFixed(2)} | ${r.duckdb[k].toFixed(2)} |`);
  console.log(JSON.stringify(r));
}
