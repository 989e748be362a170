import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFetch, type FetchRequest } from "../../src/fetch/index.js";
import { retryAfterMs, USER_AGENT } from "../../src/fetch/http.js";
import { ingest } from "../../src/ingest/index.js";
import { UserError } from "../../src/util/errors.js";
import { runCli, SHARED, tmp } from "../helpers.js";
import { startRecordings, type Recordings } from "./server.js";

let server: Recordings;
let out: string;
let log: string[];
beforeEach(async () => {
  server = await startRecordings();
  out = tmp();
  log = [];
});
afterEach(() => server.close());

const fast = { timeoutMs: 2_000, retries: 3, backoffMs: 50 };
const fetchWith = (r: Partial<FetchRequest> & Pick<FetchRequest, "source" | "from" | "to">) =>
  runFetch({ out, delayS: 0.05, http: fast, today: "2026-11-24", ...r }, (l) => log.push(l));
const keys = (): string[] => server.hits.map((h) => h.key);

/**
 * Runs `f` and returns when each request was sent, at the client and on the monotonic clock:
 * what the client controls (the test server's arrival times also carry its own scheduling
 * delays, which a busy machine stretches or squeezes).
 */
async function sendTimes(f: () => Promise<unknown>): Promise<number[]> {
  const sent: number[] = [];
  const send = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation((...args) => {
    sent.push(performance.now());
    return send(...args);
  });
  try {
    await f();
  } finally {
    spy.mockRestore();
  }
  return sent;
}
const hitsOf = (key: string) => server.hits.filter((h) => h.key === key);

describe("fetch hf-daily", () => {
  const days = [
    "2024-05-27",
    "2024-05-28",
    "2024-05-29",
    "2024-05-30",
    "2024-05-31",
    "2024-06-01",
    "2024-06-02",
    "2024-06-03",
  ];

  it("saves every day as the API answered it, through a 503, a reset, a bad body and a slow answer", async () => {
    server.faults.set("hf:2024-05-28", [{ kind: "status", status: 503, retryAfter: "1" }]);
    server.faults.set("hf:2024-05-29", [{ kind: "reset" }]);
    server.faults.set("hf:2024-05-30", [{ kind: "malformed" }]);
    server.faults.set("hf:2024-05-31", [{ kind: "slow", ms: 4_000 }]);
    server.faults.set("hf:2024-06-03", [{ kind: "empty" }]);
    const r = await fetchWith({
      source: "hf-daily",
      from: "2024-05-27",
      to: "2024-06-03",
      baseUrl: server.url,
      http: { ...fast, timeoutMs: 1_000 },
    });
    expect(r).toMatchObject({ fetched: 8, kept: 0, requests: 13 });
    const dir = join(out, "hf-daily");
    expect(readdirSync(dir).sort()).toEqual(days.map((d) => `${d}.json`));
    for (const d of days) {
      const recorded = join(SHARED, "hf-daily-papers", `${d}.json`);
      const saved = readFileSync(join(dir, `${d}.json`), "utf8");
      // days the archive holds come back byte for byte; the weekend has no papers
      expect(saved).toBe(existsSync(recorded) ? readFileSync(recorded, "utf8") : "[]");
    }
    // each fault cost exactly one retry; the slow answer was abandoned at the timeout
    for (const d of ["2024-05-28", "2024-05-29", "2024-05-30", "2024-05-31", "2024-06-03"])
      expect(hitsOf(`hf:${d}`)).toHaveLength(2);
    const [first, second] = hitsOf("hf:2024-05-28");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000); // Retry-After: 1
    expect(server.hits.every((h) => h.userAgent === USER_AGENT)).toBe(true);
    expect(USER_AGENT).toMatch(/^papertrends\/\d+\.\d+\.\d+ \(/);
    expect(log.map((l) => l.replace(/^\S+ /, "").replace(/in [\d.]+ s$/, "in N s"))).toEqual([
      "HTTP 503 Service Unavailable; retry 1 of 3 in N s",
      expect.stringMatching(
        /^fetch failed \((ECONNRESET|other side closed|UND_ERR_SOCKET)\); retry 1 of 3 in N s$/,
      ),
      expect.stringMatching(/^unusable response: invalid JSON: .*; retry 1 of 3 in N s$/),
      "timed out; retry 1 of 3 in N s",
      expect.stringMatching(/^unusable response: invalid JSON: .*; retry 1 of 3 in N s$/),
    ]);
    // the folder is what ingest reads, as it is
    const fromRaw = await ingest([{ path: dir }]);
    const fromArchive = await ingest(
      days
        .map((d) => join(SHARED, "hf-daily-papers", `${d}.json`))
        .filter((f) => existsSync(f))
        .map((path) => ({ path })),
    );
    expect(fromRaw.papers.map((p) => p.id)).toEqual(fromArchive.papers.map((p) => p.id));
    expect(fromRaw.papers.length).toBeGreaterThan(40);
  });

  it("never requests a saved day again, and waits for days that are not over", async () => {
    await fetchWith({
      source: "hf-daily",
      from: "2024-05-27",
      to: "2024-05-29",
      baseUrl: server.url,
    });
    expect(keys()).toEqual(["hf:2024-05-27", "hf:2024-05-28", "hf:2024-05-29"]);
    const again = await fetchWith({
      source: "hf-daily",
      from: "2024-05-26",
      to: "2024-05-31",
      baseUrl: server.url,
      today: "2024-05-31",
    });
    expect(again).toMatchObject({ fetched: 2, kept: 3, requests: 2 });
    expect(keys().slice(3)).toEqual(["hf:2024-05-26", "hf:2024-05-30"]);
    expect(log).toEqual([
      "skipped 2024-05-31 and later: the day is not over yet (UTC), so its list is still growing",
    ]);
  });

  it("keeps at least the delay between the starts of two requests", async () => {
    const sent = await sendTimes(() =>
      fetchWith({
        source: "hf-daily",
        from: "2024-05-27",
        to: "2024-05-30",
        baseUrl: server.url,
        delayS: 0.3,
      }),
    );
    expect(sent).toHaveLength(4);
    expect(keys()).toEqual(["hf:2024-05-27", "hf:2024-05-28", "hf:2024-05-29", "hf:2024-05-30"]);
    for (let i = 1; i < sent.length; i++)
      expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(300);
  });

  it("gives up after its retries, naming the URL, and keeps what it saved", async () => {
    server.faults.set(
      "hf:2024-05-28",
      Array.from({ length: 4 }, () => ({ kind: "status" as const, status: 502 })),
    );
    await expect(
      fetchWith({ source: "hf-daily", from: "2024-05-27", to: "2024-05-29", baseUrl: server.url }),
    ).rejects.toThrow(
      new UserError(
        `fetching ${server.url}/api/daily_papers?date=2024-05-28 failed after 4 attempts: HTTP 502 Bad Gateway; run the same command again to resume`,
      ),
    );
    expect(readdirSync(join(out, "hf-daily"))).toEqual(["2024-05-27.json"]);
    const resumed = await fetchWith({
      source: "hf-daily",
      from: "2024-05-27",
      to: "2024-05-29",
      baseUrl: server.url,
    });
    expect(resumed).toMatchObject({ fetched: 2, kept: 1 });
  });

  it("does not retry what a retry cannot fix, nor wait longer than allowed", async () => {
    await expect(
      fetchWith({
        source: "hf-daily",
        from: "2024-05-27",
        to: "2024-05-27",
        baseUrl: `${server.url}/nowhere`,
      }),
    ).rejects.toThrow(/failed: HTTP 404 Not Found$/);
    expect(server.hits).toHaveLength(1);
    server.faults.set("hf:2024-05-27", [{ kind: "status", status: 429, retryAfter: "3600" }]);
    await expect(
      fetchWith({
        source: "hf-daily",
        from: "2024-05-27",
        to: "2024-05-27",
        baseUrl: server.url,
        http: { ...fast, maxRetryAfterMs: 60_000 },
      }),
    ).rejects.toThrow(/asks to wait 3600 s \(Retry-After\), more than --max-wait 60 s/);
  });
});

describe("fetch arxiv", () => {
  const recorded = (start: number): string => {
    const f = readdirSync(join(SHARED, "arxiv-atom")).find((n) =>
      n.startsWith(`q_testing_s${start}_m10_`),
    );
    return readFileSync(join(SHARED, "arxiv-atom", f!), "utf8");
  };

  it("pages through the query, retrying an empty page, malformed XML and a 429", async () => {
    server.faults.set("arxiv:10", [{ kind: "empty" }]);
    server.faults.set("arxiv:20", [{ kind: "malformed" }]);
    server.faults.set("arxiv:30", [{ kind: "status", status: 429, retryAfter: "1" }]);
    let r: Awaited<ReturnType<typeof fetchWith>> | undefined;
    const sent = await sendTimes(async () => {
      r = await fetchWith({
        source: "arxiv",
        category: "cs.LG",
        query: "all:testing",
        from: "2025-10-27",
        to: "2025-11-02",
        baseUrl: server.url,
        pageSize: 10,
        maxRecords: 60,
        delayS: 0.2,
      });
    });
    if (!r) throw new Error("no fetch result");
    expect(r).toMatchObject({ fetched: 6, kept: 0, items: 60, requests: 9 });
    expect(keys()).toEqual([
      "arxiv:0",
      "arxiv:10",
      "arxiv:10",
      "arxiv:20",
      "arxiv:20",
      "arxiv:30",
      "arxiv:30",
      "arxiv:40",
      "arxiv:50",
    ]);
    const q = new URL(server.hits[0]!.url, server.url).searchParams;
    expect(q.get("search_query")).toBe(
      "cat:cs.LG AND submittedDate:[202510270000 TO 202511022359] AND (all:testing)",
    );
    expect(q.get("sortBy")).toBe("submittedDate");
    expect(sent).toHaveLength(9);
    for (let i = 1; i < sent.length; i++)
      expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(200);
    expect(log[0]).toMatch(
      /unusable response: no entries at start 10 although the query has 214881 results/,
    );
    expect(log[1]).toMatch(/unusable response: line \d+, column \d+: invalid XML: /);
    expect(log[2]).toMatch(/HTTP 429 Too Many Requests; retry 1 of 3 in 1\.0 s$/);
    for (let s = 0; s < 60; s += 10)
      expect(readFileSync(join(r.dir, `start-${String(s).padStart(6, "0")}.xml`), "utf8")).toBe(
        recorded(s),
      );
    const corpus = await ingest([{ path: join(out, "arxiv") }]);
    expect(corpus.summary.total.read).toBe(60);
  });

  it("resumes an interrupted query from its first missing page", async () => {
    server.faults.set(
      "arxiv:40",
      Array.from({ length: 4 }, () => ({ kind: "reset" as const })),
    );
    const req = {
      source: "arxiv" as const,
      category: "cs.LG",
      from: "2025-10-27",
      to: "2025-11-02",
      baseUrl: server.url,
      pageSize: 10,
      maxRecords: 60,
      delayS: 0,
    };
    await expect(fetchWith(req)).rejects.toThrow(/start=40.*failed after 4 attempts/);
    const before = server.hits.length;
    const r = await fetchWith(req);
    expect(r).toMatchObject({ kept: 4, fetched: 2 });
    expect(keys().slice(before)).toEqual(["arxiv:40", "arxiv:50"]);
  });
});

describe("fetch oai-pmh", () => {
  it("follows resumption tokens to the end of the list, through a 503 and malformed XML", async () => {
    server.faults.set("oai:2", [
      { kind: "status", status: 503, retryAfter: "1" },
      { kind: "malformed" },
    ]);
    const req = {
      source: "oai-pmh" as const,
      set: "cs",
      from: "2019-10-01",
      to: "2019-10-09",
      baseUrl: `${server.url}/oai`,
    };
    const r = await fetchWith(req);
    expect(r).toMatchObject({ fetched: 2, items: 1000, requests: 4 });
    expect(new URL(server.hits[0]!.url, server.url).search).toBe(
      "?verb=ListRecords&metadataPrefix=arXivRaw&set=cs&from=2019-10-01&until=2019-10-09",
    );
    expect(new URL(server.hits[1]!.url, server.url).searchParams.get("resumptionToken")).toBe(
      "tok|500",
    );
    const corpus = await ingest([{ path: r.dir }]);
    expect(corpus.summary.total.read).toBe(1000);
    // a finished harvest is not requested again; a lost last page is fetched with its token
    const n = server.hits.length;
    expect(await fetchWith(req)).toMatchObject({ fetched: 0, kept: 2 });
    rmSync(join(r.dir, "page-0002.xml"));
    expect(await fetchWith(req)).toMatchObject({ fetched: 1, kept: 1 });
    expect(keys().slice(n)).toEqual(["oai:2"]);
  });
});

describe("papertrends fetch", () => {
  it("prints what it fetched and what it kept", async () => {
    const args = ["fetch", "hf-daily", "--from", "2024-05-27", "--to", "2024-05-28"];
    const flags = ["--base-url", server.url, "--out", out, "--delay", "0"];
    const a = await runCli([...args, ...flags]);
    expect(a).toEqual({
      code: 0,
      stdout: `hf-daily: 2 responses fetched (${countItems(["2024-05-27", "2024-05-28"])} papers, 2 requests), 0 already in ${join(out, "hf-daily")}\n`,
      stderr: "",
    });
    const b = await runCli([...args, ...flags]);
    expect(b.stdout).toBe(
      `hf-daily: 0 responses fetched (0 papers, 0 requests), 2 already in ${join(out, "hf-daily")}\n`,
    );
    const bad = await runCli(["fetch", "hf-daily", "--from", "2024-05-32", "--to", "2024-06-01"]);
    expect(bad).toEqual({
      code: 1,
      stdout: "",
      stderr: `papertrends: invalid --from: "2024-05-32" (expected a day as YYYY-MM-DD)\n`,
    });
  });
});

describe("papertrends fetch --pipeline", () => {
  it("takes the base URL, delay and output folder from the pipeline's fetch section", async () => {
    const dir = tmp();
    const file = join(dir, "p.yaml");
    writeFileSync(
      file,
      `store: s.db\nfetch:\n  out: raw\n  hfDaily: { baseUrl: "${server.url}", delay: 0 }\n`,
    );
    const r = await runCli([
      "fetch",
      "hf-daily",
      "--from",
      "2024-05-27",
      "--to",
      "2024-05-27",
      "--pipeline",
      file,
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "raw", "hf-daily"))).toEqual(["2024-05-27.json"]);
    expect(keys()).toEqual(["hf:2024-05-27"]);
  });
});

function countItems(days: string[]): number {
  return days.reduce((n, d) => {
    const v = JSON.parse(
      readFileSync(join(SHARED, "hf-daily-papers", `${d}.json`), "utf8"),
    ) as unknown;
    return n + (Array.isArray(v) ? v.length : 0);
  }, 0);
}

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs("120", 0)).toBe(120_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:00Z"))).toBe(
      60_000,
    );
    expect(retryAfterMs(null, 0)).toBeNull();
    expect(retryAfterMs("soon", 0)).toBeNull();
  });
});
