import { createHash } from "node:crypto";
import { join } from "node:path";
import { place, type ClusterResult, type Placement, type Theme } from "../cluster/index.js";
import { themeColor } from "../charts/specs.js";
import type { PipelineConfig } from "../config.js";
import type { IngestSummary } from "../ingest/corpus.js";
import { ingest } from "../ingest/index.js";
import type { Paper, Reject } from "../ingest/types.js";
import { msg } from "../messages.js";
import {
  runThemes,
  runTrends,
  themeSettings,
  trendSettings,
  type RunContext,
  type ThemeSettings,
  writeRunFolder,
} from "../pipeline.js";
import { hashInputs, CorpusStore, storeSummary, type StoredTheme } from "../store/index.js";
import { displayOf, tokenizeCorpus, type TextOptions, type TokenDocs } from "../text/tokenize.js";
import type { TrendsResult } from "../trends/index.js";
import { replaceDir } from "../util/atomic-write.js";
import { crashPoint } from "../util/crash.js";
import { UserError } from "../util/errors.js";
import {
  addDays,
  daysBetween,
  nextPeriod,
  periodEnd,
  periodOf,
  periodStart,
} from "../util/periods.js";
import { TRENDS_DEFAULTS } from "../trends/index.js";
import { startSeriesTables } from "../trends/tables.js";
import { startChartWorker } from "../charts/renderer.js";
import { noTimer } from "../util/timings.js";
import { csrSelectRows, type Csr } from "../vectorize/sparse.js";
import { dfBounds, transform, type TfidfModel } from "../vectorize/tfidf.js";
import { VERSION } from "../version.js";
import {
  contingency,
  matchThemes,
  reshapedBy,
  weeklyEvents,
  type IdentityTheme,
  type PrevTheme,
  type ThemeEvent,
} from "./identity.js";

/**
 * Weekly runs on a corpus store (`papertrends run weekly.yaml --week 2025-W44`):
 *
 *   1. the pipeline's inputs (if any) are upserted into the store;
 *   2. the papers are those in the store dated up to the end of the week;
 *   3. either the model of the last run is kept — the TF-IDF vocabulary, the LSA map and the
 *      centroids — and only the papers that run did not have are tokenized and placed with it,
 *      or the themes are re-fitted from scratch: on the first run, when the settings changed,
 *      every `incremental.refitEvery` weeks, or when the new papers' vocabulary drifted;
 *   4. a re-fit's themes are matched to the last run's (see identity.ts): ids, names and
 *      colours carry over, and the events (born, grew, faded, split, merged) are recorded;
 *   5. the report goes to `<output>/<week>/`, then the run is committed to the store in one
 *      transaction. A process killed at any point leaves the store's last committed state
 *      and every earlier report whole; running the same command again completes the week.
 */

export const INCREMENTAL_DEFAULTS = { refitEvery: 4, driftThreshold: 0.02 };

/** The model a weekly run saves: what places next week's papers exactly as this run did. */
export interface ModelMeta {
  kind: "papertrends.weekly-model";
  version: 1;
  fitWeek: string;
  settingsHash: string;
  text: TextOptions;
  /** out-of-vocabulary share of the fit week's papers, held out (the drift baseline) */
  oovAtFit: number;
  placement: Omit<Placement, "projection" | "centroids">;
  /** the fit's clustering facts the report shows in later weeks */
  cluster: Pick<ClusterResult, "k" | "quality" | "reduce" | "inertia" | "kCurve" | "warnings"> & {
    termCentroids: Record<number, number>[];
  };
}

export interface WeeklyResult {
  runId: number;
  week: string;
  mode: "refit" | "incremental";
  reasons: string[];
  papers: number;
  newPapers: number;
  drift: number | null;
  themes: { themeId: string; name: string; size: number }[];
  events: ThemeEvent[];
  outDir: string;
  files: string[];
  trends: TrendsResult | null;
  trendsError: string | null;
  store: { added: number; updated: number; unchanged: number; rejected: number };
}

export function isWeekKey(s: string): boolean {
  return /^\d{4}-W\d{2}$/.test(s) && periodOf(periodStart(s, "week"), "week") === s;
}

/** What decides whether a saved model still fits: everything but the trend settings. */
export function settingsHash(s: ThemeSettings): string {
  const { threads: _threads, ...rest } = s;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex").slice(0, 16);
}

/** Share of the unigram tokens of `docs` whose term `known` rejects. */
export function oovShare(
  tokens: TokenDocs,
  docs: readonly number[],
  known: (term: string) => boolean,
): number {
  let total = 0;
  let out = 0;
  for (const d of docs) {
    for (const id of tokens.docs[d] ?? []) {
      if (id < 0) continue;
      total++;
      if (!known(tokens.terms[id] as string)) out++;
    }
  }
  return total > 0 ? out / total : 0;
}

/**
 * The drift baseline of a fit: the out-of-vocabulary share of the fit week's papers against
 * the vocabulary the fit would have had without them (each term's document frequency less
 * the week's, held to minDf). New papers are measured against a vocabulary they did not shape,
 * so the baseline must be too, or every next week would look like drift.
 */
export function heldOutOov(model: TfidfModel, week: TokenDocs): number {
  const weekDf = new Map<string, number>();
  for (const doc of week.docs) {
    const seen = new Set<number>();
    for (const id of doc) if (id >= 0) seen.add(id);
    for (const id of seen) {
      const t = week.terms[id] as string;
      weekDf.set(t, (weekDf.get(t) ?? 0) + 1);
    }
  }
  const df = new Map(model.vocabulary.map((t, i) => [t, model.df[i] as number]));
  const { minCount } = dfBounds(model.options, model.nDocs - week.docs.length);
  return oovShare(
    week,
    week.docs.map((_, i) => i),
    (t) => {
      const d = df.get(t);
      return d !== undefined && d - (weekDf.get(t) ?? 0) >= minCount;
    },
  );
}

const round = (x: number, d = 6): number => Math.round(x * 10 ** d) / 10 ** d;

/** Papers dated from `from` to `to` per theme id (`idOf`: a paper's theme id, if any). */
function countInWeek(
  papers: readonly Paper[],
  from: string,
  to: string,
  idOf: (p: Paper, i: number) => string | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  papers.forEach((p, i) => {
    if (p.date === null || p.date < from || p.date > to) return;
    const id = idOf(p, i);
    if (id !== undefined) out.set(id, (out.get(id) ?? 0) + 1);
  });
  return out;
}

/** A theme's centroid by vocabulary strings (top `n`), to compare across fitted vocabularies. */
function centroidByTerm(
  c: Record<number, number>,
  vocabulary: readonly string[],
  n = 100,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(c)
      .map(([col, w]) => [vocabulary[Number(col)] as string, w] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n),
  );
}

interface StoredDetail {
  theme: Theme;
  centroid: Record<string, number>;
}

export async function runWeek(
  config: PipelineConfig,
  week: string,
  context: RunContext = {},
): Promise<WeeklyResult> {
  if (!isWeekKey(week)) throw new UserError(msg.badWeek(week));
  const storePath = config.store;
  if (storePath === undefined) throw new UserError(msg.weekNeedsStore(config.file));
  const timer = context.timer ?? noTimer;
  const weekStart = periodStart(week, "week");
  const weekEnd = periodEnd(week, "week");
  const settings = themeSettings(config, {
    ...(context.seed !== undefined && { seed: context.seed }),
    ...(context.threads !== undefined && { threads: context.threads }),
  });
  const hash = settingsHash(settings);
  const inc = { ...INCREMENTAL_DEFAULTS, ...config.incremental };
  const inputs = context.inputs?.map((path) => ({ path })) ?? config.inputs;

  // the trend tables' library loads on a worker thread meanwhile (see startSeriesTables), and
  // with two threads the charts' libraries on another (see startChartWorker)
  startSeriesTables();
  if (settings.threads >= 2) startChartWorker();
  const store = CorpusStore.open(storePath);
  try {
    const inputFiles = await hashInputs(inputs.map((i) => i.path));
    const record = {
      kind: "run" as const,
      pipeline: config.name,
      week,
      version: VERSION,
      settingsHash: hash,
      inputs: inputFiles,
    };
    return await store.withRun(record, async (runId) => {
      // 1. inputs into the store
      let rejects: Reject[] = [];
      let inputSummary: IngestSummary | null = null;
      let upsert = { added: 0, updated: 0, unchanged: 0 };
      if (inputs.length > 0) {
        const corpus = await ingest(inputs, {
          ...(config.asOf !== undefined && { asOf: config.asOf }),
          ...(config.mapping !== undefined && { mapping: config.mapping }),
          ...(context.progress !== undefined && { progress: context.progress }),
        });
        upsert = store.upsertPapers(corpus.papers, runId);
        crashPoint("after-upsert");
        rejects = corpus.rejects;
        inputSummary = corpus.summary;
      }
      timer.mark("ingest");

      // 2. the week's corpus
      const papers = store.papers(weekEnd);
      if (papers.length === 0) throw new UserError(msg.weekNoPapers(week, storePath));
      const ids = papers.map((p) => p.id);
      const prev = store.lastRunBefore(config.name, week);
      const prevAssign = prev ? store.assignments(prev.id) : new Map<string, [number, number]>();
      const prevThemes = prev ? store.themes(prev.id) : [];
      const saved = prev?.modelRun != null ? store.model(prev.modelRun) : null;
      const meta = saved ? (saved.meta as ModelMeta) : null;
      const fresh = papers.map((p, i) => (prevAssign.has(p.id) ? -1 : i)).filter((i) => i >= 0);
      // term trends compare the window (recent + baseline weeks): only its papers' terms are read
      const ts = trendSettings(config, { period: "week", asOf: weekEnd });
      ts.options.termsInWindow = true;
      const span =
        (ts.options.recent ?? TRENDS_DEFAULTS.recent) +
        (ts.options.baseline ?? TRENDS_DEFAULTS.baseline);
      const windowStart = addDays(weekStart, -7 * (span - 1));
      const inWindow = papers.map(
        (p) => p.date !== null && p.date >= windowStart && p.date <= weekEnd,
      );
      // an incremental run tokenizes only these: the window's papers and the new ones
      const freshSet = new Set(fresh);
      const rows = papers.map((_, i) => i).filter((i) => inWindow[i] || freshSet.has(i));
      const freshRows = rows.map((i, r) => (freshSet.has(i) ? r : -1)).filter((r) => r >= 0);

      // 3. keep the model, or re-fit
      const reasons: string[] = [];
      let drift: number | null = null;
      let tokens: TokenDocs | null = null;
      if (!prev) reasons.push(msg.refitFirst());
      else if (!saved || !meta) reasons.push(msg.refitNoModel());
      else if (meta.settingsHash !== hash) reasons.push(msg.refitSettings());
      else {
        const weeks = Math.round(daysBetween(periodStart(meta.fitWeek, "week"), weekStart) / 7);
        if (weeks >= inc.refitEvery)
          reasons.push(msg.refitSchedule(weeks, meta.fitWeek, inc.refitEvery));
        else {
          tokens = tokenizeCorpus(
            rows.map((i) => papers[i] as Paper),
            meta.text,
          );
          const vocabulary = new Set((saved.tfidf as TfidfModel).vocabulary);
          drift = round(oovShare(tokens, freshRows, (t) => vocabulary.has(t)) - meta.oovAtFit, 4);
          if (drift > inc.driftThreshold) reasons.push(msg.refitDrift(drift, inc.driftThreshold));
        }
      }
      const refit = reasons.length > 0;

      let result: ClusterResult;
      let tfidf: TfidfModel;
      let matrix: Csr;
      let display: (e: string) => string;
      let themeIds: string[];
      let events: ThemeEvent[] = [];
      let nextNumber = store.lastThemeNumber();
      const nextId = (): string => `t${++nextNumber}`;
      let centroids: Record<string, number>[];

      if (refit) {
        const outcome = await runThemes(papers, settings, timer);
        result = outcome.result;
        tfidf = outcome.model;
        matrix = csrSelectRows(
          outcome.matrix,
          inWindow.map((w, i) => (w ? i : -1)),
        );
        display = outcome.display;
        centroids = result.termCentroids.map((c) => centroidByTerm(c, tfidf.vocabulary));
        const next: IdentityTheme[] = result.themes.map((t, n) => ({
          idx: n,
          name: t.name,
          guided: t.kind === "guided",
          centroid: centroids[n] as Record<string, number>,
          size: t.size,
        }));
        if (prev) {
          const old: PrevTheme[] = prevThemes.map((t) => ({
            idx: t.idx,
            name: t.name,
            guided: t.kind === "guided",
            themeId: t.themeId,
            centroid: (t.detail as StoredDetail).centroid,
            size: t.size,
          }));
          const prevOf = new Map<string, number>();
          for (const [id, [idx]] of prevAssign) prevOf.set(id, idx);
          const counts = contingency(prevOf, ids, result.theme, old.length, next.length);
          const m = matchThemes(old, next, counts, nextId);
          themeIds = m.identity.ids;
          events = m.events;
          m.identity.names.forEach((name, n) => ((result.themes[n] as Theme).name = name));
        } else themeIds = next.map(() => nextId());
      } else {
        // keep the model: only the papers the last run did not have are placed with it
        const m = saved!;
        const mm = meta!;
        tfidf = m.tfidf as TfidfModel;
        // tokens holds the rows of `rows` (window and new papers), tokenized for the drift check
        const sub = transform(tfidf, tokens as TokenDocs);
        const rowOf = new Int32Array(papers.length).fill(-1);
        rows.forEach((i, r) => {
          if (inWindow[i]) rowOf[i] = r;
        });
        matrix = csrSelectRows(sub, rowOf);
        display = displayOf(tokens as TokenDocs);
        const placement: Placement = {
          ...mm.placement,
          centroids: m.centroids,
          projection:
            m.components && m.cols
              ? { d: mm.placement.d, cols: m.cols, components: m.components }
              : null,
        };
        const theme = new Int32Array(papers.length);
        const score = new Float64Array(papers.length);
        papers.forEach((p, i) => {
          const a = prevAssign.get(p.id);
          if (a) {
            theme[i] = a[0];
            score[i] = a[1];
          }
        });
        if (fresh.length > 0) {
          const placed = place(csrSelectRows(sub, freshRows), placement);
          fresh.forEach((i, j) => {
            theme[i] = placed.theme[j] as number;
            score[i] = placed.score[j] as number;
          });
        }
        const sizes = new Array<number>(prevThemes.length).fill(0);
        for (const t of theme) if (t >= 0) sizes[t] = (sizes[t] as number) + 1;
        const themes = prevThemes.map((t, c) => ({
          ...(t.detail as StoredDetail).theme,
          id: c,
          name: t.name,
          size: sizes[c] as number,
          share: round((sizes[c] as number) / papers.length),
        }));
        centroids = prevThemes.map((t) => (t.detail as StoredDetail).centroid);
        themeIds = prevThemes.map((t) => t.themeId);
        result = {
          ...mm.cluster,
          themes,
          other: {
            size: theme.filter((t) => t < 0).length,
            threshold: mm.placement.otherThreshold,
          },
          theme,
          score,
          rawLabels: theme,
          map: null,
          placement,
          warnings: [...mm.cluster.warnings],
        };
        timer.mark("place new papers");
      }
      result.themes.forEach((t, n) => (t.key = themeIds[n] as string));

      // 4. weekly events: this week's papers per theme against the last run's week
      const now = countInWeek(papers, weekStart, weekEnd, (_, i) => {
        const t = result.theme[i] as number;
        return t >= 0 ? themeIds[t] : undefined;
      });
      let before = new Map<string, number>();
      if (prev?.week) {
        const idOf = new Map(prevThemes.map((t) => [t.idx, t.themeId]));
        const from = periodStart(prev.week, "week");
        before = countInWeek(papers, from, periodEnd(prev.week, "week"), (p) => {
          const a = prevAssign.get(p.id);
          return a && a[0] >= 0 ? idOf.get(a[0]) : undefined;
        });
        for (const t of prevThemes) if (!before.has(t.themeId)) before.set(t.themeId, 0);
      }
      const continuing = result.themes.map((t, n) => ({
        themeId: themeIds[n] as string,
        name: t.name,
      }));
      if (prev?.week)
        events = [
          ...events,
          ...weeklyEvents(continuing, now, before, prev.week, reshapedBy(events)),
        ];

      // trends over the weeks, with the themes' stable names
      let trends: TrendsResult | null = null;
      let trendsError: string | null = null;
      try {
        trends = runTrends(
          papers,
          { theme: result.theme, names: result.themes.map((t) => t.name) },
          { matrix, vocabulary: tfidf.vocabulary, display },
          ts,
        );
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        trendsError = e.message;
      }
      timer.mark("trends");

      // 5. the report, then the store
      const modelRun = refit ? runId : (prev?.modelRun as number);
      const modelWeek = refit ? week : (meta as ModelMeta).fitWeek;
      const changes = changeLines({
        week,
        prevWeek: prev?.week ?? null,
        refit,
        reasons,
        modelWeek,
        newPapers: fresh.length,
        continued: refit
          ? themeIds.filter((id) => prevThemes.some((t) => t.themeId === id)).length
          : themeIds.length,
        k: themeIds.length,
        events,
      });
      const summary = storeSummary(storePath, weekEnd, papers);
      const outDir = context.out ?? join(config.output, week);
      const preset = context.preset ?? "web";
      const manifest = {
        papertrends: VERSION,
        pipeline: { file: config.file, name: config.name },
        week,
        seed: settings.seed,
        mode: refit ? "refit" : "incremental",
        model: { fitWeek: modelWeek, settingsHash: hash },
        store: storePath,
        inputs: inputFiles,
        settings: {
          text: settings.text,
          vectorize: settings.vectorize,
          cluster: { ...settings.cluster, themes: config.themes ?? [] },
          trends: ts.options,
          incremental: inc,
        },
      };
      const files = await replaceDir(outDir, (dir) =>
        writeRunFolder(
          dir,
          { papers, rejects, summary },
          { result, model: tfidf, settings },
          {
            title: `${config.description ?? config.name}: ${week}`,
            corpus: config.description ?? config.name,
            preset,
            summary,
            papers,
            themes: result,
            trends,
            trendsError,
            trendOptions: ts,
            manifest,
            changes,
          },
        ),
      );
      timer.mark("write report");
      crashPoint("before-store");

      let model = null;
      if (refit) {
        const weekDocs = papers
          .map((p, i) => (p.date !== null && p.date >= weekStart && p.date <= weekEnd ? i : -1))
          .filter((i) => i >= 0);
        const weekTokens = tokenizeCorpus(
          weekDocs.map((i) => papers[i] as Paper),
          settings.text,
        );
        const m: ModelMeta = {
          kind: "papertrends.weekly-model",
          version: 1,
          fitWeek: week,
          settingsHash: hash,
          text: settings.text,
          oovAtFit: round(heldOutOov(tfidf, weekTokens), 6),
          placement: {
            k: result.placement.k,
            d: result.placement.d,
            otherThreshold: result.placement.otherThreshold,
          },
          cluster: {
            k: result.k,
            quality: result.quality,
            reduce: result.reduce,
            inertia: result.inertia,
            kCurve: result.kCurve,
            warnings: result.warnings,
            termCentroids: result.termCentroids,
          },
        };
        model = {
          meta: m,
          tfidf,
          components: result.placement.projection?.components ?? null,
          cols: result.placement.projection?.cols ?? null,
          centroids: result.placement.centroids,
        };
      }
      const stored: StoredTheme[] = result.themes.map((t, n) => ({
        themeId: themeIds[n] as string,
        idx: n,
        name: t.name,
        color: themeColor(t.name),
        kind: t.kind,
        size: t.size,
        detail: { theme: t, centroid: centroids[n] ?? {} } satisfies StoredDetail,
      }));
      const weekly: WeeklyResult = {
        runId,
        week,
        mode: refit ? "refit" : "incremental",
        reasons,
        papers: papers.length,
        newPapers: fresh.length,
        drift,
        themes: stored.map((t) => ({ themeId: t.themeId, name: t.name, size: t.size })),
        events,
        outDir,
        files,
        trends,
        trendsError,
        store: { ...upsert, rejected: rejects.length },
      };
      store.finishRun(runId, {
        summary: {
          week,
          mode: weekly.mode,
          reasons,
          papers: papers.length,
          newPapers: fresh.length,
          drift,
          upsert,
          input: inputSummary?.total ?? null,
          rejected: rejects.length,
        },
        modelRun,
        report: outDir,
        model,
        themes: stored,
        assignments: { ids, theme: result.theme, score: result.score },
        events: events.map((e) => ({ kind: e.kind, themeId: e.themeId, detail: e })),
        rejects,
      });
      timer.mark("store");
      return weekly;
    });
  } finally {
    store.close();
  }
}

export interface Changes {
  title: string;
  lines: string[];
}

/** "What changed since last week", as sentences. */
export function changeLines(c: {
  week: string;
  prevWeek: string | null;
  refit: boolean;
  reasons: string[];
  modelWeek: string;
  newPapers: number;
  continued: number;
  k: number;
  events: readonly ThemeEvent[];
}): Changes {
  const lastWeek = c.prevWeek !== null && nextPeriod(c.prevWeek, "week") === c.week;
  const title =
    c.prevWeek === null
      ? "What changed since last week"
      : lastWeek
        ? `What changed since last week (${c.prevWeek})`
        : `What changed since the last run (${c.prevWeek})`;
  if (!c.prevWeek) return { title, lines: [msg.changesFirst(c.k)] };
  const lines = [
    c.refit
      ? msg.changesRefit(c.reasons.join("; "), c.continued, c.k)
      : msg.changesKept(c.modelWeek, c.newPapers),
  ];
  const order: ThemeEvent["kind"][] = ["born", "split", "merged", "grew", "faded"];
  const sorted = [...c.events].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const e of sorted) lines.push(eventSentence(e));
  if (c.events.length === 0) lines.push(msg.changesNone());
  return { title, lines };
}

const papers = (n: number): string => `${n} paper${n === 1 ? "" : "s"}`;

export function eventSentence(e: ThemeEvent): string {
  switch (e.kind) {
    case "born":
      return `Born: “${e.name}” (${e.themeId}), ${papers(e.papers)}.`;
    case "split":
      return `Split: “${e.name}” (${e.themeId}) split off “${e.fromName}” (${e.from}), taking ${Math.round(100 * e.share)}% of its papers.`;
    case "merged":
      return `Merged: “${e.name}” (${e.themeId}) merged into “${e.intoName}” (${e.into}), which took ${Math.round(100 * e.share)}% of its papers.`;
    case "faded":
      return e.how === "ended"
        ? `Faded: “${e.name}” (${e.themeId}) is no longer a theme; its ${papers(e.before)} went to others.`
        : `Faded: “${e.name}” (${e.themeId}) had ${papers(e.now)} this week, from ${e.before} in ${e.since ?? "the last run's week"}.`;
    case "grew":
      return `Grew: “${e.name}” (${e.themeId}) had ${papers(e.now)} this week, from ${e.before} in ${e.since}.`;
  }
}
