import { describe, expect, it } from "vitest";
import { noProgress, progressBar } from "../../src/util/progress.js";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, columns: 80, written, write: (s: string) => (written.push(s), true) };
}

describe("progress bar", () => {
  it("draws on a terminal, at most every 100 ms, and ends the line", () => {
    const s = stream(true);
    let t = 0;
    const p = progressBar(1000, "ingest", s, () => t);
    p.advance(100);
    t = 50;
    p.advance(100); // too soon: not drawn
    t = 200;
    p.advance(300);
    p.done();
    expect(s.written).toHaveLength(4);
    expect(s.written[0]).toMatch(/^\ringest \[#+-+\] {2}10% 0\.0 MB 0\.0s$/);
    expect(s.written[1]).toMatch(/ {2}50% /);
    expect(s.written[3]).toBe("\n");
  });

  it("draws nothing when stderr is not a terminal", () => {
    const s = stream(false);
    const p = progressBar(1000, "ingest", s);
    expect(p).toBe(noProgress);
    p.advance(500);
    p.done();
    expect(s.written).toEqual([]);
  });
});
