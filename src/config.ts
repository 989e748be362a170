import { readFile } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { FORMATS, MAPPABLE_FIELDS, type FieldMapping, type Format } from "./ingest/types.js";
import { TEXT_FIELDS } from "./text/tokenize.js";
import { PERIODS, type Period } from "./util/periods.js";
import { msg } from "./messages.js";
import { isIsoDay } from "./util/dates.js";
import { UserError } from "./util/errors.js";

/**
 * Pipeline files (`pipelines/*.yaml`): the schema, defaults and loading. Unknown keys are
 * errors that name the key and the allowed ones; `pipelines/pipeline.schema.json` is generated
 * from this schema (`npm run schema`) so editors can complete and check pipeline files.
 */

const isoDay = z.string().refine(isIsoDay, { message: "expected a day as YYYY-MM-DD" });

const mappingSchema = z.strictObject(
  Object.fromEntries(MAPPABLE_FIELDS.map((f) => [f, z.string().min(1).optional()])) as Record<
    (typeof MAPPABLE_FIELDS)[number],
    z.ZodOptional<z.ZodString>
  >,
);

const inputSchema = z.strictObject({
  path: z.string().min(1).describe("file or directory, relative to the pipeline file"),
  format: z
    .enum(FORMATS as [Format, ...Format[]])
    .optional()
    .describe("source format; detected from the content when omitted"),
  mapping: mappingSchema.optional().describe("generic CSV/JSONL: field → column or dotted key"),
});

const textSchema = z.strictObject({
  fields: z
    .array(z.enum(TEXT_FIELDS))
    .min(1)
    .optional()
    .describe("paper fields to read (default: title, abstract)"),
  stem: z.boolean().optional().describe("Porter stemming (default true)"),
  domainStopwords: z.boolean().optional().describe("drop words every abstract uses (default true)"),
  extraStopwords: z.array(z.string()).optional().describe("more words to drop"),
  minLength: z.number().int().min(1).optional().describe("shortest token kept (default 2)"),
});

const vectorizeSchema = z.strictObject({
  ngramRange: z
    .tuple([z.number().int().min(1), z.number().int().min(1)])
    .optional()
    .describe("[min, max] n-gram length (default [1, 2])"),
  minDf: z
    .number()
    .positive()
    .optional()
    .describe("below 1: a proportion of papers; otherwise a count (default 2)"),
  maxDf: z
    .number()
    .positive()
    .optional()
    .describe("up to 1: a proportion of papers; otherwise a count (default 0.5)"),
  maxFeatures: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .describe("keep the most frequent terms only"),
  sublinearTf: z.boolean().optional().describe("1 + ln(tf) (default true)"),
  smoothIdf: z.boolean().optional().describe("ln((1 + n) / (1 + df)) + 1 (default true)"),
  norm: z.enum(["l2", "l1", "none"]).optional().describe("row normalisation (default l2)"),
});

const clusterSchema = z.strictObject({
  k: z
    .union([z.number().int().min(1), z.literal("auto")])
    .optional()
    .describe("number of themes, or auto (silhouette over kRange)"),
  kRange: z
    .tuple([z.number().int().min(2), z.number().int().min(2)])
    .optional()
    .describe("k tried when k is auto (default [4, 16])"),
  restarts: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("k-means restarts, best inertia kept (default 8; 4 above restartSample papers)"),
  maxIterations: z.number().int().min(1).optional(),
  restartSample: z
    .number()
    .int()
    .min(100)
    .optional()
    .describe("restarts run on a sample of this many papers when there are more"),
  lsaFeatures: z
    .number()
    .int()
    .min(100)
    .optional()
    .describe("the SVD uses at most this many terms, the most frequent (default 32768)"),
  reduce: z
    .enum(["lsa", "none"])
    .optional()
    .describe("lsa: truncated SVD first (default); none: raw TF-IDF (small corpora only)"),
  dims: z
    .union([z.number().int().min(2), z.literal("auto")])
    .optional()
    .describe("LSA dimensions (default auto: √n within [10, 64])"),
  otherThreshold: z
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe("cosine similarity to the theme below which a paper goes to `other` (default 0.3)"),
  labelTerms: z.number().int().min(1).optional(),
  representatives: z.number().int().min(1).max(20).optional(),
  silhouetteSample: z.number().int().min(10).optional(),
});

const themeSchema = z.strictObject({
  name: z.string().min(1).describe("the theme's name, kept in every output"),
  seeds: z.array(z.string().min(1)).min(1).describe("seed terms; phrases allowed"),
});

const trendsSchema = z.strictObject({
  period: z
    .enum(PERIODS as [Period, ...Period[]])
    .optional()
    .describe("calendar bins: week (ISO), month, quarter, year (default month)"),
  recent: z.number().int().min(1).optional().describe("periods in the recent window (default 1)"),
  baseline: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("periods in the baseline window before it (default 6)"),
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe("false discovery rate for rising/fading (default 0.05)"),
  minTermCount: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("terms in fewer papers of either window are not tested (default 5)"),
  maxTerms: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("terms reported per direction (default 25)"),
  burstScale: z
    .number()
    .gt(1)
    .optional()
    .describe("Kleinberg s: burst rate / base rate (default 2)"),
  burstGamma: z
    .number()
    .gt(0)
    .optional()
    .describe("Kleinberg γ: cost of entering a burst (default 1)"),
});

const baseUrl = z
  .string()
  .regex(/^https?:\/\/\S+$/, "expected an http:// or https:// URL")
  .optional()
  .describe("the service's base URL (a mirror, or a local server in tests)");
const delay = z
  .number()
  .min(0)
  .optional()
  .describe("seconds between two requests (default: hf-daily 1, arxiv and oai-pmh 3)");

const fetchSchema = z.strictObject({
  out: z
    .string()
    .optional()
    .describe("folder of raw responses, relative to the pipeline file (default data/raw)"),
  hfDaily: z.strictObject({ baseUrl, delay }).optional(),
  arxiv: z
    .strictObject({
      baseUrl,
      delay,
      category: z.string().optional().describe("arXiv category, e.g. cs.LG"),
      query: z.string().optional().describe("more arXiv search syntax, ANDed"),
      pageSize: z.number().int().min(1).max(2000).optional().describe("entries per request"),
    })
    .optional(),
  oaiPmh: z
    .strictObject({
      baseUrl,
      delay,
      set: z.string().optional().describe("OAI set, e.g. cs"),
      metadataPrefix: z.string().optional().describe("default arXivRaw"),
    })
    .optional(),
});

const incrementalSchema = z.strictObject({
  refitEvery: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("weeks between full re-fits of the TF-IDF model and themes (default 4)"),
  driftThreshold: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(
      "re-fit early when the new papers' share of tokens outside the saved vocabulary exceeds the fit week's by this much (default 0.02)",
    ),
});

export const pipelineSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
      .optional()
      .describe("report folder name; defaults to the file name"),
    description: z.string().optional(),
    seed: z.number().int().min(0).default(42).describe("seed for every random choice"),
    threads: z
      .union([z.literal("auto"), z.number().int().min(1).max(64)])
      .optional()
      .describe(
        "threads for tokenizing (auto: one per core, at most 4); outputs do not depend on it",
      ),
    asOf: isoDay
      .optional()
      .describe("capture day: resolves year-less dates and the current period"),
    inputs: z
      .array(inputSchema)
      .min(1)
      .optional()
      .describe("paper listings to read (with a store: added to it at every run)"),
    store: z
      .string()
      .optional()
      .describe(
        "corpus store (SQLite), relative to the pipeline file: runs read their papers from it",
      ),
    incremental: incrementalSchema
      .optional()
      .describe("weekly runs (run --week): re-fit schedule; needs a store"),
    fetch: fetchSchema.optional().describe("settings of papertrends fetch --pipeline FILE"),
    mapping: mappingSchema
      .optional()
      .describe("default field mapping for generic CSV/JSONL inputs"),
    output: z.string().optional().describe("output folder, relative to the working directory"),
    text: textSchema.optional(),
    vectorize: vectorizeSchema.optional(),
    cluster: clusterSchema.optional(),
    themes: z
      .array(themeSchema)
      .optional()
      .refine(
        (ts) => !ts || new Set(ts.map((t) => t.name)).size === ts.length,
        "theme names must be unique",
      )
      .refine(
        (ts) => !ts?.some((t) => t.name === "other"),
        '"other" is reserved for papers that fit no theme',
      )
      .describe("guided themes: named, anchored by seed terms"),
    labels: z
      .string()
      .optional()
      .describe("paper field to score clustering against (NMI, ARI), e.g. categories"),
    trends: trendsSchema.optional(),
  })
  .refine((p) => p.inputs !== undefined || p.store !== undefined, {
    message: "a pipeline needs inputs, a store, or both",
    path: ["inputs"],
  })
  .describe("papertrends pipeline file");

export type PipelineFile = z.infer<typeof pipelineSchema>;

export interface PipelineConfig extends Omit<PipelineFile, "inputs" | "name" | "output"> {
  /** the store's path, relative to the working directory */
  store?: string;
  name: string;
  /** input paths: given relative to the pipeline file, held relative to the working directory */
  inputs: { path: string; format?: Format; mapping?: FieldMapping }[];
  output: string;
  /** where the config came from (for messages and the run manifest) */
  file: string;
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let s: z.ZodType = pipelineSchema;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)] ?? s;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
  }
  s = unwrap(s);
  if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}

function where(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join(".") : "top level";
}

/** One message per problem, each naming the place and what is allowed. */
export function formatIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(issue.path).filter((k) => k !== "$schema");
      return issue.keys.map((k) => msg.unknownKey(where(issue.path), k, allowed));
    }
    if (issue.code === "invalid_value" && "values" in issue) {
      return [`${where(issue.path)}: ${issue.message}`];
    }
    return [`${where(issue.path)}: ${issue.message}`];
  });
  return `${file}: invalid pipeline file\n  ${lines.join("\n  ")}`;
}

export function parsePipeline(
  file: string,
  text: string,
  cwd: string = process.cwd(),
): PipelineConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line;
    throw new UserError(
      `${file}${line ? `:${line}` : ""}: invalid YAML: ${e?.message.split("\n")[0] ?? ""}`,
    );
  }
  const parsed = pipelineSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new UserError(formatIssues(file, parsed.error));
  const p = parsed.data;
  const base = dirname(resolve(cwd, file));
  const name = p.name ?? basename(file, extname(file));
  const at = (path: string): string =>
    isAbsolute(path) ? path : relative(cwd, resolve(base, path));
  return {
    ...p,
    name,
    file,
    inputs: (p.inputs ?? []).map((i) => ({ ...i, path: at(i.path) })),
    ...(p.store !== undefined && { store: at(p.store) }),
    ...(p.fetch !== undefined && {
      fetch: { ...p.fetch, ...(p.fetch.out !== undefined && { out: at(p.fetch.out) }) },
    }),
    output: p.output ?? join("reports", name),
  };
}

export async function loadPipeline(file: string): Promise<PipelineConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      msg.pipelineRead(file, code === "ENOENT" ? msg.notFound() : (e as Error).message),
    );
  }
  return parsePipeline(file, text);
}

export function pipelineJsonSchema(): unknown {
  return z.toJSONSchema(pipelineSchema, { io: "input" });
}
