import { afterAll, describe, expect, it } from "vitest";
import {
  groupAggregate,
  seriesTablesOnWorker,
  startSeriesTables,
  stopSeriesTables,
} from "../../src/trends/tables.js";

describe("the trend tables' group-by (danfojs-node)", () => {
  afterAll(() => stopSeriesTables());

  const columns = {
    period: ["2025", "2025", "2024", "2025", "2024", "2026"],
    theme: ["a", "b", "a", "a", "a", "b"],
    n: [1, 2, 3, 4, 5, 6],
  };
  const sums = [
    { period: "2024", theme: "a", n_sum: 8 },
    { period: "2025", theme: "a", n_sum: 5 },
    { period: "2025", theme: "b", n_sum: 2 },
    { period: "2026", theme: "b", n_sum: 6 },
  ];

  it("gives the same rows on a worker thread (the main thread waiting) as on this one", async () => {
    await stopSeriesTables();
    expect(seriesTablesOnWorker()).toBe(false);
    const here = groupAggregate(columns, ["period", "theme"], { n: ["sum", "median"] });
    expect(here.map(({ period, theme, n_sum }) => ({ period, theme, n_sum }))).toEqual(sums);
    startSeriesTables();
    startSeriesTables(); // once
    expect(seriesTablesOnWorker()).toBe(true);
    // the first answer waits for the library to load there
    expect(groupAggregate(columns, ["period", "theme"], { n: ["sum", "median"] })).toEqual(here);
    expect(groupAggregate(columns, ["period", "theme"], { n: "sum" })).toEqual(sums);
    expect(seriesTablesOnWorker()).toBe(true);
  });

  it("throws the library's error from the worker thread, and goes on answering", () => {
    startSeriesTables();
    expect(() => groupAggregate(columns, ["period"], { n: "bogus" })).toThrow(
      /danfojs-node group-by failed: .*bogus for column n is not valid/,
    );
    expect(groupAggregate(columns, ["period", "theme"], { n: "sum" })).toEqual(sums);
  });
});
