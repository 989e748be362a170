// A local stand-in for the Hugging Face, arXiv API and arXiv OAI-PMH services, on 127.0.0.1.
// It serves the recorded real responses in ../shared/data and injects faults on request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SHARED } from "../helpers.js";

export type Fault =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "empty" }
  | { kind: "malformed" }
  | { kind: "reset" }
  | { kind: "slow"; ms: number };

export interface Hit {
  key: string;
  url: string;
  at: number;
  userAgent: string | undefined;
  /** the fault served, if any */
  fault?: Fault["kind"];
}

export interface Recordings {
  url: string;
  hits: Hit[];
  /** faults to serve, in order, before the real answer (key: hf:DATE, arxiv:START, oai:PAGE) */
  faults: Map<string, Fault[]>;
  close: () => Promise<void>;
}

const HF = join(SHARED, "hf-daily-papers");
const ATOM = join(SHARED, "arxiv-atom");
const OAI = join(
  SHARED,
  "arxiv-oai-pmh",
  "ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09_page1.xml",
);

/** The recorded `all:testing` pages, by start and page size (q_testing_s<start>_m<max>_*.xml). */
function atomPages(): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(ATOM)) {
    const x = /^q_testing_s(\d+)_m(\d+)_/.exec(f);
    if (x) m.set(`${x[1]}/${x[2]}`, join(ATOM, f));
  }
  return m;
}

/**
 * The recorded OAI-PMH page (1,000 records) served as two pages of 500: the first ends with a
 * resumption token, the second with an empty one (the end of the list), as a server does.
 */
function oaiPages(): [string, string] {
  const xml = readFileSync(OAI, "utf8");
  const open = xml.indexOf("<record>");
  const close = xml.lastIndexOf("</record>") + "</record>".length;
  const records = xml
    .slice(open, close)
    .split(/(?<=<\/record>)\s*/)
    .filter(Boolean);
  const head = xml.slice(0, open);
  const tail = xml.slice(close).replace(/<resumptionToken[^>]*>[^<]*<\/resumptionToken>/, "");
  const half = Math.ceil(records.length / 2);
  const page = (rs: string[], token: string): string =>
    head + rs.join("\n") + "\n" + token + tail.replace(/^\s*/, "\n");
  return [
    page(
      records.slice(0, half),
      `<resumptionToken cursor="0" completeListSize="${records.length}">tok|${half}</resumptionToken>`,
    ),
    page(
      records.slice(half),
      `<resumptionToken cursor="${half}" completeListSize="${records.length}"/>`,
    ),
  ];
}

const EMPTY_FEED = (start: number, total: number): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">` +
  `<opensearch:totalResults>${total}</opensearch:totalResults><opensearch:startIndex>${start}</opensearch:startIndex><opensearch:itemsPerPage>0</opensearch:itemsPerPage></feed>\n`;

export async function startRecordings(): Promise<Recordings> {
  const atom = atomPages();
  const oai = oaiPages();
  const hits: Hit[] = [];
  const faults = new Map<string, Fault[]>();

  const answer = (
    req: IncomingMessage,
  ): { key: string; status: number; type: string; body: string } => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    if (u.pathname === "/api/daily_papers") {
      const date = u.searchParams.get("date") ?? "";
      const file = join(HF, `${date}.json`);
      // the service answers a day without papers with an empty list
      const body =
        /^\d{4}-\d{2}-\d{2}$/.test(date) && existsSync(file) ? readFileSync(file, "utf8") : "[]";
      return { key: `hf:${date}`, status: 200, type: "application/json", body };
    }
    if (u.pathname === "/api/query") {
      const start = u.searchParams.get("start") ?? "0";
      const max = u.searchParams.get("max_results") ?? "10";
      const file = atom.get(`${start}/${max}`);
      if (!u.searchParams.get("search_query") || !file)
        return { key: `arxiv:${start}`, status: 400, type: "text/plain", body: "no recording" };
      return {
        key: `arxiv:${start}`,
        status: 200,
        type: "application/atom+xml",
        body: readFileSync(file, "utf8"),
      };
    }
    if (u.pathname === "/oai") {
      const token = u.searchParams.get("resumptionToken");
      if (u.searchParams.get("verb") !== "ListRecords")
        return { key: "oai:?", status: 400, type: "text/plain", body: "verb" };
      if (token === null) return { key: "oai:1", status: 200, type: "text/xml", body: oai[0] };
      if (token === "tok|500") return { key: "oai:2", status: 200, type: "text/xml", body: oai[1] };
      const bad = oai[1].replace(
        /<ListRecords>[\s\S]*<\/ListRecords>/,
        `<error code="badResumptionToken">unknown token</error>`,
      );
      return { key: "oai:bad", status: 200, type: "text/xml", body: bad };
    }
    return { key: "404", status: 404, type: "text/plain", body: "not found" };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const a = answer(req);
    const fault = faults.get(a.key)?.shift();
    hits.push({
      key: a.key,
      url: req.url ?? "",
      at: Date.now(),
      userAgent: req.headers["user-agent"],
      ...(fault && { fault: fault.kind }),
    });
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": a.type, ...headers });
      res.end(body);
    };
    if (!fault) return send(a.status, a.body);
    switch (fault.kind) {
      case "status":
        return send(
          fault.status,
          "try later",
          fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
        );
      case "empty":
        return send(
          200,
          a.key.startsWith("arxiv:") ? EMPTY_FEED(Number(a.key.slice(6)), 214881) : "",
        );
      case "malformed":
        return send(200, a.body.slice(0, Math.floor(a.body.length / 2)));
      case "reset":
        req.socket.destroy();
        return;
      case "slow": {
        const t = setTimeout(() => send(a.status, a.body), fault.ms);
        res.on("close", () => clearTimeout(t));
        return;
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    faults,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
