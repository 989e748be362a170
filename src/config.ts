import { readFile } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { FORMATS, MAPPABLE_FIELDS, type FieldMapping, type Format } from "./ingest/types.js";
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
    asOf: isoDay
      .optional()
      .describe("capture day: resolves year-less dates and the current period"),
    inputs: z.array(inputSchema).min(1).describe("paper listings to read"),
    mapping: mappingSchema
      .optional()
      .describe("default field mapping for generic CSV/JSONL inputs"),
    output: z.string().optional().describe("output folder, relative to the working directory"),
  })
  .describe("papertrends pipeline file");

export type PipelineFile = z.infer<typeof pipelineSchema>;

export interface PipelineConfig extends Omit<PipelineFile, "inputs" | "name" | "output"> {
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
  return {
    ...p,
    name,
    file,
    inputs: p.inputs.map((i) => ({
      ...i,
      path: isAbsolute(i.path) ? i.path : relative(cwd, resolve(base, i.path)),
    })),
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
