import { describe, expect, it } from "vitest";
import {
  contingency,
  cosine,
  matchThemes,
  weeklyEvents,
  type IdentityTheme,
  type PrevTheme,
} from "../../src/weekly/identity.js";

const prevTheme = (
  idx: number,
  name: string,
  centroid: Record<string, number>,
  size = 10,
  guided = false,
): PrevTheme => ({
  idx,
  name,
  guided,
  centroid,
  size,
  themeId: `t${idx + 1}`,
});
const nextTheme = (
  idx: number,
  name: string,
  centroid: Record<string, number>,
  size = 10,
  guided = false,
): IdentityTheme => ({
  idx,
  name,
  guided,
  centroid,
  size,
});

/** papers p0..: old theme per paper, new theme per paper */
function counts(oldOf: number[], newOf: number[], kPrev: number, kNext: number): number[][] {
  const ids = oldOf.map((_, i) => `p${i}`);
  return contingency(
    new Map(ids.map((id, i) => [id, oldOf[i] as number])),
    ids,
    newOf,
    kPrev,
    kNext,
  );
}

describe("theme identity", () => {
  it("compares centroids by term, whatever the vocabulary order", () => {
    expect(cosine({ a: 1, b: 1 }, { b: 1, a: 1 })).toBeCloseTo(1);
    expect(cosine({ a: 1 }, { b: 1 })).toBe(0);
  });

  it("keeps ids and names of continuing themes, and names born, split, merged and ended ones", () => {
    const prev = [
      prevTheme(0, "diffusion", { diffus: 1, imag: 0.5 }, 40),
      prevTheme(1, "agents", { agent: 1, tool: 0.5 }, 40),
      prevTheme(2, "speech", { speech: 1, audio: 0.6 }, 10),
      prevTheme(3, "rag", { retriev: 1, rag: 0.7 }, 10),
      prevTheme(4, "robots", { robot: 1 }, 10),
    ];
    // new run: diffusion continues (reordered), agents split into two, speech merged into
    // diffusion's successor... no: rag merges into agents' main successor, robots end
    const next = [
      nextTheme(0, "agent, tool", { agent: 1, tool: 0.4 }, 45),
      nextTheme(1, "image, diffusion", { diffus: 1, imag: 0.6 }, 40),
      nextTheme(2, "web agents", { agent: 0.6, web: 1 }, 20),
      nextTheme(3, "safety", { safeti: 1, attack: 0.8 }, 25),
      nextTheme(4, "speech", { speech: 1, audio: 0.5 }, 10),
    ];
    const oldOf: number[] = [];
    const newOf: number[] = [];
    const put = (o: number, n: number, times: number): void => {
      for (let i = 0; i < times; i++) {
        oldOf.push(o);
        newOf.push(n);
      }
    };
    put(0, 1, 38); // diffusion → image, diffusion
    put(0, 3, 2);
    put(1, 0, 26); // agents → agent, tool (most) and web agents (a third)
    put(1, 2, 14);
    put(2, 4, 10); // speech → speech
    put(3, 0, 8); // rag → agent, tool
    put(3, 3, 2);
    put(4, 3, 3); // robots scatter
    put(4, 1, 3);
    put(4, 2, 4);
    let n = 5;
    const { identity, events } = matchThemes(
      prev,
      next,
      counts(oldOf, newOf, 5, 5),
      () => `t${++n}`,
    );
    expect(identity.ids).toEqual(["t2", "t1", "t6", "t7", "t3"]);
    expect(identity.names).toEqual(["agents", "diffusion", "web agents", "safety", "speech"]);
    expect(identity.continues).toEqual([1, 0, -1, -1, 2]);
    expect(events).toEqual([
      {
        kind: "split",
        themeId: "t6",
        name: "web agents",
        from: "t2",
        fromName: "agents",
        share: 0.35,
      },
      { kind: "born", themeId: "t7", name: "safety", papers: 25 },
      { kind: "merged", themeId: "t4", name: "rag", into: "t2", intoName: "agents", share: 0.8 },
      { kind: "faded", themeId: "t5", name: "robots", how: "ended", before: 10, now: 0 },
    ]);
  });

  it("matches guided themes by name, however their papers moved", () => {
    const prev = [
      prevTheme(0, "self-improvement", { self: 1 }, 10, true),
      prevTheme(1, "x", { x: 1 }),
    ];
    const next = [
      nextTheme(0, "self-improvement", { other: 1 }, 10, true),
      nextTheme(1, "x", { x: 1 }),
    ];
    const { identity, events } = matchThemes(prev, next, counts([1, 1], [1, 1], 2, 2), () => "t9");
    expect(identity.ids).toEqual(["t1", "t2"]);
    expect(identity.names).toEqual(["self-improvement", "x"]);
    expect(events).toEqual([]);
  });

  it("gives a new theme that takes a kept theme's name a distinct one", () => {
    const prev = [prevTheme(0, "llms", { llm: 1 })];
    const next = [nextTheme(0, "models", { llm: 1 }), nextTheme(1, "llms", { vision: 1 })];
    const { identity } = matchThemes(prev, next, counts([0, 0], [0, 0], 1, 2), () => "t2");
    expect(identity.names).toEqual(["llms", "llms (2)"]);
  });

  it("reports weekly growth and fading from this week's papers against last week's", () => {
    const themes = [
      { themeId: "t1", name: "a" },
      { themeId: "t2", name: "b" },
      { themeId: "t3", name: "c" },
      { themeId: "t4", name: "new" },
    ];
    const now = new Map([
      ["t1", 12],
      ["t2", 2],
      ["t3", 6],
      ["t4", 30],
    ]);
    const before = new Map([
      ["t1", 6],
      ["t2", 8],
      ["t3", 5],
    ]);
    expect(weeklyEvents(themes, now, before, "2025-W43")).toEqual([
      { kind: "grew", themeId: "t1", name: "a", before: 6, now: 12, since: "2025-W43" },
      {
        kind: "faded",
        themeId: "t2",
        name: "b",
        how: "weekly",
        before: 8,
        now: 2,
        since: "2025-W43",
      },
    ]);
    // a theme a split or merge just reshaped is not compared
    expect(weeklyEvents(themes, now, before, "2025-W43", new Set(["t1", "t2"]))).toEqual([]);
  });
});
