import { describe, expect, it } from "vitest";
import { isIsoDay, parseDate } from "../../src/util/dates.js";

const day = (s: string, asOf?: string) => {
  const r = parseDate(s, asOf);
  return r.ok ? r.day : r.reason;
};

describe("parseDate", () => {
  it("reads ISO days and timestamps in UTC", () => {
    expect(day("2024-05-24")).toBe("2024-05-24");
    expect(day("2024-05-24T17:34:15.000Z")).toBe("2024-05-24");
    expect(day("1999-09-17 14:39:02")).toBe("1999-09-17");
    expect(day("2024-05-24T23:30:00-02:00")).toBe("2024-05-25");
    expect(day("2024-05-24T01:00:00+05:00")).toBe("2024-05-23");
  });
  it("reads RFC 2822 dates (arXiv OAI, Kaggle snapshot)", () => {
    expect(day("Mon, 2 Apr 2007 19:18:42 GMT")).toBe("2007-04-02");
    expect(day("Thu, 19 Jul 2012 13:39:08 GMT")).toBe("2012-07-19");
  });
  it("reads Hugging Face page dates, resolving year-less ones against asOf", () => {
    expect(day("Feb 25, 2021")).toBe("2021-02-25");
    expect(day("May 22", "2025-10-30")).toBe("2025-05-22");
    expect(day("Nov 5", "2025-10-30")).toBe("2024-11-05");
    expect(day("Oct 30", "2025-10-30")).toBe("2025-10-30");
    expect(day("Feb 29", "2025-10-30")).toBe("2024-02-29");
    expect(day("May 22")).toBe("needs-as-of");
  });
  it("rejects impossible and unknown dates", () => {
    expect(day("2021-02-30")).toBe("unparseable");
    expect(day("Feb 30, 2021")).toBe("unparseable");
    expect(day("yesterday")).toBe("unparseable");
    expect(day("2024-13-01")).toBe("unparseable");
    expect(day("12/05/2024")).toBe("unparseable");
  });
  it("validates user-given days", () => {
    expect(isIsoDay("2025-10-30")).toBe(true);
    expect(isIsoDay("2025-10-32")).toBe(false);
    expect(isIsoDay("30/10/2025")).toBe(false);
  });
});
