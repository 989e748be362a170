import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { msg } from "../messages.js";
import { UserError } from "../util/errors.js";
import { asList, asNode, attr, parseXml, text } from "../ingest/xml.js";
import { BadBody, type PoliteClient } from "./http.js";
import { emptyResult, readRaw, saveRaw, trimBase, type FetchResult } from "./raw.js";

export const OAI_BASE_URL = "https://oaipmh.arxiv.org/oai";

export interface OaiFetch {
  baseUrl: string;
  metadataPrefix: string;
  set?: string;
  from: string;
  to: string;
  dir: string;
}

interface OaiPage {
  records: number;
  /** null: the list is complete */
  token: string | null;
  /** noRecordsMatch: the harvest is empty */
  empty: boolean;
}

/** Records and resumption token of one ListRecords page; OAI errors other than noRecordsMatch fail. */
export function oaiPage(body: string): OaiPage {
  let doc;
  try {
    doc = parseXml("response", body);
  } catch (e) {
    throw new BadBody((e as Error).message.replace(/^response, /, ""));
  }
  const root = asNode(doc["OAI-PMH"]);
  if (!root) throw new BadBody(msg.notOaiPmh());
  for (const err of asList(root.error)) {
    const code = attr(err, "code") ?? "error";
    if (code === "noRecordsMatch") return { records: 0, token: null, empty: true };
    throw new UserError(msg.oaiError(code, text(err) ?? ""));
  }
  const list = asNode(root.ListRecords);
  if (!list) throw new BadBody(msg.oaiNoListRecords());
  const token = text(list.resumptionToken)?.trim();
  return { records: asList(list.record).length, token: token ? token : null, empty: false };
}

export function oaiHarvestDir(f: OaiFetch): string {
  const name = `${f.metadataPrefix}_${f.set ?? "all"}_${f.from}_${f.to}`;
  return join(f.dir, name.replace(/[^A-Za-z0-9._-]/g, "_"));
}

const pageName = (n: number): string => `page-${String(n).padStart(4, "0")}.xml`;

/**
 * Harvests `ListRecords` from `from` to `to`, following resumption tokens, one file per page.
 * A harvest interrupted midway resumes from the token of its last saved page (tokens expire on
 * the server after a while; an expired one fails with the server's badResumptionToken error,
 * and deleting the folder starts over).
 */
export async function fetchOaiPmh(f: OaiFetch, client: PoliteClient): Promise<FetchResult> {
  if (f.from > f.to) throw new UserError(msg.fetchRange(f.from, f.to));
  const dir = oaiHarvestDir(f);
  await mkdir(dir, { recursive: true });
  const result = emptyResult("oai-pmh", dir);
  const saved = (await readdir(dir)).filter((n) => /^page-\d{4}\.xml$/.test(n)).sort();
  let token: string | null = null;
  for (const name of saved) {
    token = oaiPage(await readRaw(join(dir, name))).token;
    result.files.push(join(dir, name));
    result.kept++;
  }
  if (saved.length > 0 && token === null) return { ...result, requests: client.requests };
  const base = trimBase(f.baseUrl);
  for (let n = saved.length + 1; ; n++) {
    const params = new URLSearchParams(
      token !== null
        ? { verb: "ListRecords", resumptionToken: token }
        : {
            verb: "ListRecords",
            metadataPrefix: f.metadataPrefix,
            ...(f.set !== undefined && { set: f.set }),
            from: f.from,
            until: f.to,
          },
    );
    const body = await client.get(`${base}?${params}`, (b) => {
      oaiPage(b);
    });
    const page = oaiPage(body);
    if (page.empty) break;
    const file = join(dir, pageName(n));
    await saveRaw(file, body);
    result.files.push(file);
    result.fetched++;
    result.items += page.records;
    if (page.token === null) break;
    token = page.token;
  }
  result.requests = client.requests;
  return result;
}
