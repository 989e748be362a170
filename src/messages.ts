/**
 * Every warning, reject reason and error text the tool prints lives here, so that wording is
 * consistent and tests can assert exact messages.
 */
const q = (s: string): string => JSON.stringify(s);
const excerpt = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n)}…` : s);

export const msg = {
  // file-level errors
  cannotRead: (reason: string) => `cannot read: ${reason}`,
  notFound: () => `no such file or directory`,
  emptyDirectory: () =>
    `directory holds no input files (.json .jsonl .xml .csv .txt, optionally .gz)`,
  invalidUtf8: () => `not valid UTF-8 text (re-encode the file as UTF-8)`,
  truncatedGzip: (reason: string) => `truncated or corrupt gzip data (${reason})`,
  unrecognisedFormat: (start: string) =>
    `unrecognised format: the file starts with ${q(excerpt(start, 40))}; pass --format with one of the supported formats`,
  invalidJson: (reason: string) => `invalid JSON: ${reason}`,
  truncatedJson: () => `the file ends before the JSON document is complete (truncated?)`,
  truncatedLastLine: () =>
    `the last line ends before its JSON object is complete (truncated file?)`,
  invalidXml: (reason: string) => `invalid XML: ${reason}`,
  notAtomFeed: () => `XML is not an Atom feed (no <feed> element)`,
  notOaiPmh: () => `XML is not an OAI-PMH response (no <OAI-PMH> element)`,
  arxivApiError: (message: string) => `the arXiv API returned an error: ${q(message)}`,
  oaiError: (code: string, message: string) =>
    `the OAI-PMH server returned an error ${code}: ${q(message)}`,
  oaiNoListRecords: () => `OAI-PMH response holds no <ListRecords> (only ListRecords is supported)`,
  hfDailyShape: (what: string) =>
    `expected a daily-papers response (a JSON array, or {status, date, count, data}), found ${what}`,
  yearlessDateNeedsAsOf: (date: string) =>
    `date ${q(date)} has no year; pass --as-of DATE (or asOf in the pipeline file) with the day the page was captured`,
  csvError: (reason: string) => `invalid CSV: ${reason}`,
  csvNoTitleColumn: (header: string[], field: string) =>
    `no column for ${field}: the header has ${header.map(q).join(", ")}; map one with --map ${field}=COLUMN or the pipeline's mapping`,
  pageNoEntries: () =>
    `no paper entries found (expected title, abstract, then "• N authors", "·", date blocks)`,

  // record-level reject reasons
  missingField: (field: string) => `missing ${field}`,
  emptyField: (field: string) => `empty ${field}`,
  wrongType: (field: string, expected: string, got: unknown) =>
    `${field} should be ${expected}, got ${typeName(got)}`,
  unparseableDate: (value: string) => `unparseable date ${q(excerpt(value))}`,
  pythonReprItem: () => `item is a string holding a Python repr, not a JSON object`,
  itemNotObject: (got: unknown) => `item should be an object, got ${typeName(got)}`,
  invalidJsonLine: (column: number, found: string) =>
    `invalid JSON: unexpected ${q(found)} at column ${column}`,
  jsonLineCutShort: () => `invalid JSON: the line ends before the object is complete`,
  deletedRecord: () => `record is marked deleted by the OAI-PMH server`,
  noMetadata: () => `record has no arXivRaw, arXiv or oai_dc metadata`,
  csvFieldCount: (got: number, want: number) => `row has ${got} fields, the header has ${want}`,
  pageEntryNoAbstract: () => `entry has a title but no abstract`,

  // text, vectorize, cluster
  emptyCorpus: () =>
    `the corpus holds no papers: nothing to cluster (check the ingest summary and rejects)`,
  badTfidfOption: (name: string, value: string, expected: string) =>
    `invalid vectorize.${name}: ${value} (expected ${expected})`,
  maxDfBelowMinDf: () =>
    `vectorize.maxDf keeps fewer documents than vectorize.minDf requires; raise maxDf or lower minDf`,
  noTermsRemain: (nDocs: number, minDf: number, maxDf: number) =>
    `no terms remain after pruning (${nDocs} papers, minDf ${minDf}, maxDf ${maxDf}); lower vectorize.minDf or raise vectorize.maxDf`,
  badModel: (kind: string, version: string) =>
    `not a papertrends TF-IDF model (kind ${q(kind)}, version ${version}); re-run papertrends cluster to make one`,

  seedNotInVocabulary: (seed: string, theme: string) =>
    `seed term ${q(seed)} of theme ${q(theme)} is in no paper's text (not in the vocabulary)`,
  guidedThemeNoPapers: (theme: string) =>
    `guided theme ${q(theme)} has no papers containing any of its seed terms; it is left out and its place goes to a discovered theme`,
  themeEmpty: (theme: string) =>
    `theme ${q(theme)} ended up empty (no paper is closer to it than to another theme)`,
  kTooLarge: (k: number, n: number) =>
    `k = ${k} is larger than the number of papers (${n}); lower cluster.k (or --k)`,
  kBelowGuided: (k: number, g: number) =>
    `k = ${k} is smaller than the number of guided themes with papers (${g}); raise cluster.k`,
  kRangeEmpty: (lo: number, hi: number, n: number, g: number) =>
    `cluster.kRange [${lo}, ${hi}] leaves no k to try with ${n} papers and ${g} guided themes`,
  noLabels: (field: string) =>
    `no paper has a value for the label field ${q(field)}: NMI and ARI are not computed`,
  badSeed: (value: string) => `invalid --seed: ${q(value)} (expected a whole number ≥ 0)`,
  badThreads: (value: string) =>
    `invalid --threads: ${q(value)} (expected a whole number from 1 to 64)`,
  badK: (value: string) => `invalid k: ${q(value)} (expected a whole number ≥ 1, or auto)`,

  noDates: (n: number) =>
    `none of the ${n} papers has a date: trends need dated papers (check the ingest summary's "undated" column, or use a source with dates)`,
  asOfBeforeData: (asOf: string, earliest: string) =>
    `--as-of ${asOf} is before the earliest paper (${earliest}); choose a later day`,
  windowTooLong: (
    need: number,
    period: string,
    have: number,
    first: string | null,
    last: string | null,
  ) =>
    `the rising test needs ${need} complete ${period}s (trends.recent + trends.baseline), the data has ${have}${first ? ` (${first}..${last})` : ""}; lower trends.baseline or trends.recent, or use a shorter --period`,
  periodEmpty: (keys: string[]) =>
    `no papers at all in ${keys.length === 1 ? "the period" : "the periods"} ${keys.join(", ")}: shares there are 0 by definition`,
  windowEmpty: (which: string, keys: string[]) =>
    `the ${which} window (${keys.join(", ")}) holds no papers: nothing to compare; choose another --as-of or a longer window`,
  runDirMissing: (what: string) =>
    `cannot read ${what}: give a folder written by papertrends cluster or run (or a pipeline file)`,
  runDirMismatch: (id: string) =>
    `paper ${q(id)} of corpus.jsonl has no row in assignments.csv: the folder's files come from different runs`,

  // fetch
  fetchRange: (from: string, to: string) => `invalid range: --from ${from} is after --to ${to}`,
  fetchDayNotOver: (day: string) =>
    `skipped ${day} and later: the day is not over yet (UTC), so its list is still growing`,
  fetchFailed: (url: string, failure: string) => `fetching ${url} failed: ${failure}`,
  fetchRetry: (url: string, failure: string, waitS: number, attempt: number, retries: number) =>
    `${url}: ${failure}; retry ${attempt} of ${retries} in ${waitS.toFixed(1)} s`,
  fetchGaveUp: (url: string, attempts: number, failure: string) =>
    `fetching ${url} failed after ${attempts} attempts: ${failure}; run the same command again to resume`,
  retryAfterTooLong: (url: string, waitS: number, maxS: number) =>
    `${url}: the server asks to wait ${Math.round(waitS)} s (Retry-After), more than --max-wait ${maxS} s; try again later`,
  fetchNoTotal: () => `the feed has no <opensearch:totalResults>`,
  fetchEmptyPage: (start: number, total: number) =>
    `no entries at start ${start} although the query has ${total} results`,
  fetchSummary: (
    source: string,
    dir: string,
    fetched: number,
    kept: number,
    items: number,
    requests: number,
  ) =>
    `${source}: ${fetched} response${fetched === 1 ? "" : "s"} fetched (${items} papers, ${requests} request${requests === 1 ? "" : "s"}), ${kept} already in ${dir}`,
  badInteger: (option: string, value: string, min: number, max: number) =>
    `invalid ${option}: ${q(value)} (expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"})`,
  badNumber: (option: string, value: string, min: number) =>
    `invalid ${option}: ${q(value)} (expected a number of at least ${min})`,
  invalidDay: (option: string, value: string) =>
    `invalid ${option}: ${q(value)} (expected a day as YYYY-MM-DD)`,
  invalidUrl: (value: string) =>
    `invalid --base-url: ${q(value)} (expected an http:// or https:// URL)`,

  // store and weekly runs
  storeIngest: (
    path: string,
    c: { added: number; updated: number; unchanged: number },
    total: number,
    rejects: number,
  ) =>
    `store ${path}: ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged; ${total} papers in the store` +
    (rejects ? ` (${rejects} rejected records kept in it with their reasons)` : ""),
  badWeek: (v: string) => `invalid --week: ${q(v)} (expected an ISO week, e.g. 2025-W44)`,
  weekNeedsStore: (file: string) =>
    `${file}: run --week needs a corpus store: add "store: FILE" to the pipeline`,
  weekNoPapers: (week: string, store: string) =>
    `no papers in ${store} dated up to the end of ${week}: ingest some first (papertrends ingest --store, or the pipeline's inputs)`,
  refitFirst: () => `first run: no earlier model`,
  refitNoModel: () => `the last run left no model`,
  refitSettings: () => `the text, vectorize or cluster settings changed`,
  refitSchedule: (weeks: number, fitWeek: string, every: number) =>
    `${weeks} weeks since the model was fitted (${fitWeek}); incremental.refitEvery is ${every}`,
  refitDrift: (drift: number, threshold: number) =>
    `vocabulary drift ${drift.toFixed(3)} above incremental.driftThreshold ${threshold}`,
  changesFirst: (k: number) =>
    `First run of this pipeline: ${k} themes, each given an id that later weeks keep.`,
  changesRefit: (reasons: string, continued: number, k: number) =>
    `Themes re-fitted this week (${reasons}); ${continued} of ${k} continue a theme of the last run, with its id, name and colour.`,
  changesKept: (modelWeek: string, fresh: number) =>
    `Themes kept from the model fitted in ${modelWeek}; ${fresh} new papers placed with it.`,
  changesNone: () => `No theme was born, split, merged, grew or faded.`,
  storeOpen: (path: string, reason: string) => `cannot open the store ${path}: ${reason}`,
  storeTooNew: (path: string, version: number, known: number) =>
    `the store ${path} has layout version ${version}; this papertrends knows up to ${known} (upgrade papertrends)`,

  // config
  unknownKey: (path: string, key: string, allowed: string[]) =>
    `${path}: unknown key ${q(key)} (allowed: ${allowed.join(", ")})`,
  invalidAsOf: (value: string) => `invalid --as-of: ${q(value)} (expected a day as YYYY-MM-DD)`,
  invalidMap: (value: string) =>
    `invalid --map: ${q(value)} (expected FIELD=COLUMN, e.g. abstract=summary)`,
  unknownMapField: (field: string, allowed: readonly string[]) =>
    `invalid --map field ${q(field)} (expected one of ${allowed.join(", ")})`,
  pipelineRead: (file: string, reason: string) => `${file}: ${reason}`,
} as const;

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}
