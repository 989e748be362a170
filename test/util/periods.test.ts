import { describe, expect, it } from "vitest";
import {
  nextPeriod,
  periodEnd,
  periodOf,
  periodRange,
  periodStart,
} from "../../src/util/periods.js";

describe("calendar periods (UTC)", () => {
  it("ISO weeks: Monday to Sunday, week 1 holds the first Thursday", () => {
    expect(periodOf("2025-10-30", "week")).toBe("2025-W44");
    expect(periodStart("2025-W44", "week")).toBe("2025-10-27");
    expect(periodEnd("2025-W44", "week")).toBe("2025-11-02");
    expect(periodOf("2024-12-30", "week")).toBe("2025-W01"); // a Monday that belongs to 2025
    expect(periodOf("2021-01-03", "week")).toBe("2020-W53");
    expect(periodStart("2020-W53", "week")).toBe("2020-12-28");
    expect(nextPeriod("2020-W53", "week")).toBe("2021-W01");
  });

  it("months, quarters, years", () => {
    expect(periodOf("2024-02-29", "month")).toBe("2024-02");
    expect(periodEnd("2024-02", "month")).toBe("2024-02-29");
    expect(periodEnd("2025-02", "month")).toBe("2025-02-28");
    expect(periodOf("2025-11-24", "quarter")).toBe("2025-Q4");
    expect(periodStart("2025-Q4", "quarter")).toBe("2025-10-01");
    expect(periodEnd("2025-Q4", "quarter")).toBe("2025-12-31");
    expect(nextPeriod("2025-Q4", "quarter")).toBe("2026-Q1");
    expect(periodOf("2025-11-24", "year")).toBe("2025");
    expect(nextPeriod("2025-12", "month")).toBe("2026-01");
  });

  it("ranges are contiguous, with no gaps", () => {
    expect(periodRange("2024-11-15", "2025-02-01", "month")).toEqual([
      "2024-11",
      "2024-12",
      "2025-01",
      "2025-02",
    ]);
    const weeks = periodRange("2020-12-20", "2021-01-20", "week");
    expect(weeks).toEqual(["2020-W51", "2020-W52", "2020-W53", "2021-W01", "2021-W02", "2021-W03"]);
  });
});
