import { beforeAll, describe, expect, it } from "vitest";
import { clusterStage, type ClusterResult } from "../../src/cluster/index.js";
import { loadPipeline } from "../../src/config.js";
import { ingest } from "../../src/ingest/index.js";
import type { Paper } from "../../src/ingest/types.js";
import { runThemes, themeSettings } from "../../src/pipeline.js";
import { TEXT_DEFAULTS, tokenizeCorpus } from "../../src/text/tokenize.js";
import { fitTransform } from "../../src/vectorize/tfidf.js";

let papers: Paper[];
let result: ClusterResult;
const themeOf = (title: string): string => {
  const i = papers.findIndex((p) => p.title.startsWith(title));
  if (i < 0) throw new Error(`no paper ${title}`);
  const t = result.theme[i] as number;
  return t < 0 ? "other" : (result.themes[t]?.name as string);
};

describe("themes of the bundled page text (default pipeline)", () => {
  beforeAll(async () => {
    const config = await loadPipeline("pipelines/hf-papers-page.yaml");
    papers = (await ingest(config.inputs, { asOf: "2025-10-30" })).papers;
    result = (await runThemes(papers, themeSettings(config))).result;
  });

  it("has the three named themes, guided, plus discovered ones, and no warnings", () => {
    expect(result.k).toBe(8);
    expect(result.themes.slice(0, 3).map((t) => [t.name, t.kind])).toEqual([
      ["self-improvement", "guided"],
      ["contrastive-ssl", "guided"],
      ["preference-optimization", "guided"],
    ]);
    expect(result.themes.slice(3).every((t) => t.kind === "discovered")).toBe(true);
    expect(result.warnings).toEqual([]);
    const sizes = result.themes.reduce((a, t) => a + t.size, 0) + result.other.size;
    expect(sizes).toBe(92);
  });

  it("places papers where a reader would", () => {
    for (const t of [
      "Toward Self-Improvement of LLMs via Imagination",
      "SPC: Evolving Self-Play Critic",
      "Training Language Models to Self-Correct",
      "LaSeR: Reinforcement Learning with Last-Token Self-Rewarding",
      "Diving into Self-Evolving Training",
    ])
      expect(themeOf(t), t).toBe("self-improvement");
    for (const t of [
      "Barlow Twins: Self-Supervised Learning via Redundancy Reduction",
      "GraphMAE: Self-Supervised Masked Graph Autoencoders",
      "A Primer on Contrastive Pretraining",
      "Unilaterally Aggregated Contrastive Learning",
      "Self-supervised Label Augmentation via Input Transformations",
    ])
      expect(themeOf(t), t).toBe("contrastive-ssl");
    for (const t of [
      "Self-Play Preference Optimization for Language Model Alignment",
      "A Minimaximalist Approach to Reinforcement Learning from Human Feedback",
      "Pretraining Language Models with Human Preferences",
      "Self-Exploring Language Models: Active Preference Elicitation",
    ])
      expect(themeOf(t), t).toBe("preference-optimization");
  });

  it("explains every theme: 10 label terms with weights, representatives, silhouette", () => {
    for (const t of result.themes) {
      expect(t.labels).toHaveLength(10);
      expect(t.labels.every((l) => l.weight > 0)).toBe(true);
      expect(t.representatives.length).toBeGreaterThanOrEqual(Math.min(3, t.size));
      expect(t.representatives.length).toBeLessThanOrEqual(5);
      expect(t.silhouette === null || Number.isFinite(t.silhouette)).toBe(true);
    }
    const pref = result.themes[2];
    expect(pref?.labels.map((l) => l.term)).toContain("preference");
    expect(JSON.stringify(result.themes)).not.toMatch(/NaN|Infinity|null,"labels"/);
  });
});

describe("bad input to the cluster stage", () => {
  const few: Paper[] = [
    "Contrastive learning of images",
    "Self-play for language models",
    "Reward models from human feedback",
  ].map((title, i) => ({
    id: `p${i}`,
    title,
    abstract: `${title}. ${title} again, with contrastive reward play.`,
    date: null,
    authors: [],
    source: { file: "x", format: "jsonl" },
  }));
  const stage = (ps: Paper[], over: Parameters<typeof clusterStage>[4]) => {
    const tokens = tokenizeCorpus(ps);
    return clusterStage(
      ps,
      tokens,
      fitTransform(tokens, { minDf: 1, maxDf: 1.0 }),
      TEXT_DEFAULTS,
      over,
      1,
    );
  };

  it("k larger than the number of papers", async () => {
    await expect(stage(few, { k: 5 })).rejects.toThrow(
      "k = 5 is larger than the number of papers (3); lower cluster.k (or --k)",
    );
  });

  it("an empty corpus", async () => {
    await expect(runThemes([], themeSettings(undefined))).rejects.toThrow(
      /the corpus holds no papers: nothing to cluster/,
    );
  });

  it("a seed term in no paper, a guided theme with no papers: warnings, no NaN", async () => {
    const r = await stage(few, {
      k: 3,
      themes: [
        { name: "rl", seeds: ["self-play", "quantum annealing"] },
        { name: "ghost", seeds: ["zebrafish"] },
      ],
    });
    expect(r.warnings).toEqual([
      'seed term "quantum annealing" of theme "rl" is in no paper\'s text (not in the vocabulary)',
      'seed term "zebrafish" of theme "ghost" is in no paper\'s text (not in the vocabulary)',
      'guided theme "ghost" has no papers containing any of its seed terms; it is left out and its place goes to a discovered theme',
    ]);
    expect(r.themes[0]?.name).toBe("rl");
    expect(r.themes.some((t) => t.name === "ghost")).toBe(false);
    expect(JSON.stringify(r.themes)).not.toContain("NaN");
  });

  it("a theme that ends up empty is a warning", async () => {
    const dup = [...few, ...few.map((p) => ({ ...p, id: p.id + "b" }))];
    const r = await stage(dup, { k: 6, restarts: 1 });
    const empty = r.themes.filter((t) => t.size === 0);
    expect(empty.length).toBeGreaterThanOrEqual(3); // 3 distinct points, 6 themes
    expect(r.warnings).toEqual(
      empty.map(
        (t) => `theme "${t.name}" ended up empty (no paper is closer to it than to another theme)`,
      ),
    );
  });

  it("k = auto reports the silhouette curve and picks its best k", async () => {
    const r = await stage([...few, ...few.map((p) => ({ ...p, id: p.id + "b" }))], {
      kMode: "auto",
      kRange: [2, 4],
      restarts: 2,
    });
    expect(r.kCurve?.map((c) => c.k)).toEqual([2, 3, 4]);
    const best = Math.max(...(r.kCurve ?? []).map((c) => c.silhouette));
    expect(r.kCurve?.find((c) => c.k === r.k)?.silhouette).toBe(best);
  });
});
