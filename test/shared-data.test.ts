import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingest } from "../src/ingest/index.js";
import { SHARED } from "./helpers.js";

/**
 * The whole real samples in ../shared/data (present in CI, beside the clone). Each must parse
 * with all its records, and every summary must balance.
 */
const have = existsSync(join(SHARED, "README.md"));

describe.skipIf(!have)("real samples in ../shared/data", () => {
  it("HF daily-papers archive: every item accounted for, ≥ 9,500 unique papers", async () => {
    const c = await ingest([{ path: join(SHARED, "hf-daily-papers") }]);
    const t = c.summary.total;
    expect(t.files).toBe(580);
    expect(t.read).toBe(9881);
    expect(t.read).toBe(t.kept + t.duplicates + t.rejected);
    expect(t.rejected).toBe(300);
    expect(t.kept).toBeGreaterThanOrEqual(9500);
    expect(c.summary.rejectReasons).toEqual({
      "item is a string holding a Python repr, not a JSON object": 300,
    });
    expect(new Set(c.papers.map((p) => p.id)).size).toBe(c.papers.length);
  });

  it("every arXiv Atom response parses with all its entries (the error feed is an error)", async () => {
    const dir = join(SHARED, "arxiv-atom");
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      if (f.startsWith("id_abc")) {
        await expect(ingest([{ path }])).rejects.toThrow(/incorrect id format for abc/);
        continue;
      }
      const c = await ingest([{ path }]);
      const entries = readFileSync(path, "utf8").split("<entry>").length - 1;
      expect(c.summary.total.read, f).toBe(entries);
      expect(c.summary.total.rejected, f).toBe(0);
    }
  });

  it("the OAI-PMH page parses with all 1,000 records", async () => {
    const c = await ingest([{ path: join(SHARED, "arxiv-oai-pmh") }]);
    expect(c.summary.total).toMatchObject({ read: 1000, kept: 1000, rejected: 0, undated: 0 });
  });

  it("the Kaggle snapshot sample parses with all 200 lines", async () => {
    const c = await ingest([{ path: join(SHARED, "kaggle-arxiv-snapshot") }]);
    expect(c.summary.total).toMatchObject({ read: 200, kept: 200, rejected: 0, undated: 0 });
  });
});
