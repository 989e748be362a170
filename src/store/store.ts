import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { mergeInto } from "../ingest/corpus.js";
import { paperToJson } from "../report/corpus-files.js";
import type { Paper, Reject } from "../ingest/types.js";
import { msg } from "../messages.js";
import { crashPoint } from "../util/crash.js";
import { UserError } from "../util/errors.js";

/**
 * The corpus store: one SQLite file (better-sqlite3) holding every paper ever ingested, upserted
 * by id, and every run: its settings, inputs, per-paper theme assignments, themes with their
 * stable ids, the fitted model, and what changed since the run before.
 *
 * Crash safety: the file is in WAL mode and every change is one transaction, so a process
 * killed at any point (kill -9) leaves the last committed state; a run is first recorded as
 * `running` and becomes `done` in the same transaction that writes its results, so an
 * interrupted run is never mistaken for a finished one.
 */

export const STORE_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS papers (
  id TEXT PRIMARY KEY,
  date TEXT,
  record TEXT NOT NULL,
  added_by INTEGER NOT NULL,
  updated_by INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_date ON papers(date);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  pipeline TEXT,
  week TEXT,
  status TEXT NOT NULL,
  started TEXT NOT NULL,
  finished TEXT,
  version TEXT NOT NULL,
  settings_hash TEXT,
  inputs TEXT NOT NULL,
  summary TEXT,
  model_run INTEGER,
  report TEXT
);
CREATE TABLE IF NOT EXISTS rejects (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  reason TEXT NOT NULL,
  reject TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS models (
  run_id INTEGER PRIMARY KEY,
  meta TEXT NOT NULL,
  tfidf TEXT NOT NULL,
  components BLOB,
  cols BLOB,
  centroids BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS themes (
  run_id INTEGER NOT NULL,
  theme_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, theme_id)
);
CREATE TABLE IF NOT EXISTS assignments (
  run_id INTEGER NOT NULL,
  paper_id TEXT NOT NULL,
  theme_idx INTEGER NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (run_id, paper_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  theme_id TEXT,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
`;

export type RunKind = "ingest" | "run";
export type RunStatus = "running" | "done" | "failed" | "abandoned";

export interface RunRecord {
  id: number;
  kind: RunKind;
  pipeline: string | null;
  week: string | null;
  status: RunStatus;
  started: string;
  finished: string | null;
  version: string;
  settingsHash: string | null;
  inputs: unknown;
  summary: unknown;
  /** the run whose model placed this run's papers (itself when it re-fitted) */
  modelRun: number | null;
  report: string | null;
}

export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export interface StoredTheme {
  /** stable across runs: "t1", "t2", ... */
  themeId: string;
  /** position in this run's clustering (the centroid row) */
  idx: number;
  name: string;
  color: string;
  kind: "guided" | "discovered";
  size: number;
  /** the theme as the report shows it (labels, representatives, ...) */
  detail: unknown;
}

export interface StoredEvent {
  kind: string;
  themeId: string | null;
  detail: unknown;
}

export interface StoredModel {
  meta: unknown;
  tfidf: unknown;
  components: Float32Array | null;
  cols: Int32Array | null;
  centroids: Float64Array;
}

/** A runs row as SELECT_RUN reads it: the record's names, its JSON columns still text. */
type RunRow = Omit<RunRecord, "inputs" | "summary"> & { inputs: string; summary: string | null };

const SELECT_RUN = `SELECT id, kind, pipeline, week, status, started, finished, version,
  settings_hash AS settingsHash, inputs, summary, model_run AS modelRun, report FROM runs`;

const toRun = (r: RunRow): RunRecord => ({
  ...r,
  inputs: JSON.parse(r.inputs) as unknown,
  summary: r.summary === null ? null : (JSON.parse(r.summary) as unknown),
});

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function typed<T>(b: Buffer, C: { new (buf: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  // copy: the Buffer may not be aligned for the typed array
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return new C(copy);
}

/** Merges like ingest, but lists every other place the paper was seen only once. */
function mergeStored(kept: Paper, next: Paper): void {
  mergeInto(kept, next);
  const seen = new Set([JSON.stringify(kept.source)]);
  const also = (kept.alsoIn ?? []).filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (also.length) kept.alsoIn = also;
  else delete kept.alsoIn;
}

export class CorpusStore {
  readonly db: Database.Database;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
  }

  /** Opens (or creates) the store; runs left `running` by a killed process become `abandoned`. */
  static open(path: string): CorpusStore {
    mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      // with WAL, NORMAL keeps every committed transaction through a killed process (only a
      // power loss can drop the last ones); the data is re-creatable from data/raw anyway
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > STORE_VERSION)
        throw new UserError(msg.storeTooNew(path, version, STORE_VERSION));
      db.exec(SCHEMA);
      db.pragma(`user_version = ${STORE_VERSION}`);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(msg.storeOpen(path, (e as Error).message));
    }
    const store = new CorpusStore(path, db);
    db.prepare("UPDATE runs SET status = 'abandoned' WHERE status = 'running'").run();
    return store;
  }

  close(): void {
    this.db.close();
  }

  /** Records the start of a run or ingest (committed at once). */
  beginRun(r: {
    kind: RunKind;
    pipeline?: string;
    week?: string;
    version: string;
    settingsHash?: string;
    inputs: unknown;
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, pipeline, week, status, started, version, settings_hash, inputs)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(
        r.kind,
        r.pipeline ?? null,
        r.week ?? null,
        new Date().toISOString(),
        r.version,
        r.settingsHash ?? null,
        JSON.stringify(r.inputs),
      );
    return Number(info.lastInsertRowid);
  }

  /**
   * Records a run around `body`: begun (committed at once), then `body(runId)`, which finishes
   * it; an error on the way marks it failed, with the error, and is rethrown. (A killed process
   * leaves it running; the next open marks it abandoned.)
   */
  async withRun<T>(
    r: Parameters<CorpusStore["beginRun"]>[0],
    body: (runId: number) => Promise<T>,
  ): Promise<T> {
    const runId = this.beginRun(r);
    try {
      return await body(runId);
    } catch (e) {
      this.failRun(runId, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  run(id: number): RunRecord | null {
    const r = this.db.prepare(`${SELECT_RUN} WHERE id = ?`).get(id) as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  runs(): RunRecord[] {
    return (this.db.prepare(`${SELECT_RUN} ORDER BY id`).all() as RunRow[]).map(toRun);
  }

  /** The last finished run of a pipeline for a week before `week` (ISO week keys sort). */
  lastRunBefore(pipeline: string, week: string): RunRecord | null {
    const r = this.db
      .prepare(
        `${SELECT_RUN} WHERE kind = 'run' AND pipeline = ? AND status = 'done' AND week < ?
         ORDER BY week DESC, id DESC LIMIT 1`,
      )
      .get(pipeline, week) as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  /**
   * Upserts papers by id: a new id is added; a known one is merged with the stored record
   * (earliest date, most upvotes, union of categories, as ingest merges duplicates) and written
   * only if that changed it. One transaction.
   */
  upsertPapers(papers: readonly Paper[], runId: number): UpsertCounts {
    const get = this.db.prepare("SELECT record FROM papers WHERE id = ?").pluck();
    const insert = this.db.prepare(
      "INSERT INTO papers (id, date, record, added_by, updated_by) VALUES (?, ?, ?, ?, ?)",
    );
    const update = this.db.prepare(
      "UPDATE papers SET date = ?, record = ?, updated_by = ? WHERE id = ?",
    );
    const counts: UpsertCounts = { added: 0, updated: 0, unchanged: 0 };
    const half = Math.floor(papers.length / 2);
    this.db.transaction(() => {
      for (let i = 0; i < papers.length; i++) {
        const p = papers[i] as Paper;
        if (i === half) crashPoint("mid-upsert");
        const old = get.get(p.id) as string | undefined;
        if (old === undefined) {
          insert.run(p.id, p.date, paperToJson(p), runId, runId);
          counts.added++;
          continue;
        }
        const kept = JSON.parse(old) as Paper;
        mergeStored(kept, p);
        const next = paperToJson(kept);
        if (next === old) counts.unchanged++;
        else {
          update.run(kept.date, next, runId, p.id);
          counts.updated++;
        }
      }
    })();
    return counts;
  }

  /** Papers dated up to `until` (all when absent), by date then id; undated ones are left out. */
  papers(until?: string): Paper[] {
    const rows = (
      until === undefined
        ? this.db.prepare("SELECT record FROM papers WHERE date IS NOT NULL ORDER BY date, id")
        : this.db.prepare("SELECT record FROM papers WHERE date <= ? ORDER BY date, id")
    )
      .pluck()
      .all(...(until === undefined ? [] : [until])) as string[];
    return rows.map((r) => JSON.parse(r) as Paper);
  }

  counts(): { papers: number; undated: number; runs: number } {
    const one = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    return {
      papers: one("SELECT count(*) FROM papers"),
      undated: one("SELECT count(*) FROM papers WHERE date IS NULL"),
      runs: one("SELECT count(*) FROM runs"),
    };
  }

  /**
   * Adds an ingested corpus: papers upserted, rejects kept with their reasons, the ingest
   * recorded as done with its summary — all in one transaction.
   */
  addCorpus(
    runId: number,
    papers: readonly Paper[],
    rejects: readonly Reject[],
    summary: (counts: UpsertCounts) => unknown,
  ): UpsertCounts {
    const add = this.db.prepare(
      "INSERT INTO rejects (run_id, seq, reason, reject) VALUES (?, ?, ?, ?)",
    );
    return this.db.transaction(() => {
      const counts = this.upsertPapers(papers, runId);
      rejects.forEach((r, i) => add.run(runId, i, r.reason, JSON.stringify(r)));
      this.done(runId, summary(counts), null, null);
      return counts;
    })();
  }

  rejects(runId: number): Reject[] {
    return (
      this.db
        .prepare("SELECT reject FROM rejects WHERE run_id = ? ORDER BY seq")
        .pluck()
        .all(runId) as string[]
    ).map((r) => JSON.parse(r) as Reject);
  }

  /**
   * Finishes a pipeline run in one transaction: its model (when it fitted one), themes,
   * assignments and events, its summary, and the status `done`.
   */
  finishRun(
    runId: number,
    r: {
      summary: unknown;
      modelRun: number;
      report: string;
      model: StoredModel | null;
      themes: readonly StoredTheme[];
      assignments: { ids: readonly string[]; theme: ArrayLike<number>; score: ArrayLike<number> };
      events: readonly StoredEvent[];
      /** records of the run's inputs that were rejected, with their reasons */
      rejects?: readonly Reject[];
    },
  ): void {
    const db = this.db;
    const addTheme = db.prepare(
      "INSERT INTO themes (run_id, theme_id, idx, name, color, kind, size, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const addAssign = db.prepare(
      "INSERT INTO assignments (run_id, paper_id, theme_idx, score) VALUES (?, ?, ?, ?)",
    );
    const addEvent = db.prepare(
      "INSERT INTO events (run_id, seq, kind, theme_id, detail) VALUES (?, ?, ?, ?, ?)",
    );
    db.transaction(() => {
      if (r.model) {
        const m = r.model;
        db.prepare(
          "INSERT INTO models (run_id, meta, tfidf, components, cols, centroids) VALUES (?, ?, ?, ?, ?, ?)",
        ).run(
          runId,
          JSON.stringify(m.meta),
          JSON.stringify(m.tfidf),
          m.components ? bytes(m.components) : null,
          m.cols ? bytes(m.cols) : null,
          bytes(m.centroids),
        );
      }
      for (const t of r.themes)
        addTheme.run(
          runId,
          t.themeId,
          t.idx,
          t.name,
          t.color,
          t.kind,
          t.size,
          JSON.stringify(t.detail),
        );
      const { ids, theme, score } = r.assignments;
      for (let i = 0; i < ids.length; i++) addAssign.run(runId, ids[i], theme[i], score[i]);
      const addReject = db.prepare(
        "INSERT INTO rejects (run_id, seq, reason, reject) VALUES (?, ?, ?, ?)",
      );
      (r.rejects ?? []).forEach((x, i) => addReject.run(runId, i, x.reason, JSON.stringify(x)));
      r.events.forEach((e, i) =>
        addEvent.run(runId, i, e.kind, e.themeId, JSON.stringify(e.detail)),
      );
      db.prepare("UPDATE runs SET model_run = ?, report = ? WHERE id = ?").run(
        r.modelRun,
        r.report,
        runId,
      );
      crashPoint("store-commit");
      this.done(runId, r.summary, r.modelRun, r.report);
    })();
  }

  /** A run that stopped on an error: status failed, the error as its summary. */
  private failRun(runId: number, error: string): void {
    this.db
      .prepare("UPDATE runs SET status = 'failed', finished = ?, summary = ? WHERE id = ?")
      .run(new Date().toISOString(), JSON.stringify({ error }), runId);
  }

  private done(
    runId: number,
    summary: unknown,
    modelRun: number | null,
    report: string | null,
  ): void {
    this.db
      .prepare(
        "UPDATE runs SET status = 'done', finished = ?, summary = ?, model_run = ?, report = ? WHERE id = ?",
      )
      .run(new Date().toISOString(), JSON.stringify(summary), modelRun, report, runId);
  }

  model(runId: number): StoredModel | null {
    const r = this.db.prepare("SELECT * FROM models WHERE run_id = ?").get(runId) as
      | {
          meta: string;
          tfidf: string;
          components: Buffer | null;
          cols: Buffer | null;
          centroids: Buffer;
        }
      | undefined;
    if (!r) return null;
    return {
      meta: JSON.parse(r.meta) as unknown,
      tfidf: JSON.parse(r.tfidf) as unknown,
      components: r.components ? typed(r.components, Float32Array) : null,
      cols: r.cols ? typed(r.cols, Int32Array) : null,
      centroids: typed(r.centroids, Float64Array),
    };
  }

  themes(runId: number): StoredTheme[] {
    const rows = this.db
      .prepare("SELECT * FROM themes WHERE run_id = ? ORDER BY idx")
      .all(runId) as {
      theme_id: string;
      idx: number;
      name: string;
      color: string;
      kind: "guided" | "discovered";
      size: number;
      detail: string;
    }[];
    return rows.map((t) => ({
      themeId: t.theme_id,
      idx: t.idx,
      name: t.name,
      color: t.color,
      kind: t.kind,
      size: t.size,
      detail: JSON.parse(t.detail) as unknown,
    }));
  }

  /** paper id → [theme index (-1: other), score] of a run. */
  assignments(runId: number): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>();
    for (const r of this.db
      .prepare("SELECT paper_id, theme_idx, score FROM assignments WHERE run_id = ?")
      .iterate(runId) as IterableIterator<{ paper_id: string; theme_idx: number; score: number }>)
      out.set(r.paper_id, [r.theme_idx, r.score]);
    return out;
  }

  events(runId: number): StoredEvent[] {
    return (
      this.db
        .prepare("SELECT kind, theme_id, detail FROM events WHERE run_id = ? ORDER BY seq")
        .all(runId) as {
        kind: string;
        theme_id: string | null;
        detail: string;
      }[]
    ).map((e) => ({ kind: e.kind, themeId: e.theme_id, detail: JSON.parse(e.detail) as unknown }));
  }

  /** The largest theme number ever given in this store ("t7" → 7), for the next new theme. */
  lastThemeNumber(): number {
    const ids = this.db.prepare("SELECT DISTINCT theme_id FROM themes").pluck().all() as string[];
    return ids.reduce((m, id) => Math.max(m, Number(/^t(\d+)$/.exec(id)?.[1] ?? 0)), 0);
  }

  integrity(): string {
    return this.db.pragma("integrity_check", { simple: true }) as string;
  }
}
