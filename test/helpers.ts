import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getHeapStatistics } from "node:v8";
import { ingest, type Corpus, type InputSpec, type IngestOptions } from "../src/ingest/index.js";
import { parserFor } from "../src/ingest/detect.js";
import type { Format, ParseItem } from "../src/ingest/types.js";
import { compactHeap } from "../src/util/heap.js";
import { noProgress } from "../src/util/progress.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FIX = join(ROOT, "test", "fixtures");
export const SHARED = join(ROOT, "..", "shared", "data");
export const PAGE = join(ROOT, "data", "hf-papers-search-page-2025-10-30.txt");

/** The folders `tmp` made in this test file (removed after it: see test/setup.ts). */
const made: string[] = [];

/** A new empty folder under the system's temp folder, removed once the test file ends. */
export function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "papertrends-test-"));
  made.push(dir);
  return dir;
}

/** Removes the folders `tmp` made so far; how many. */
export function removeTmp(): number {
  const dirs = made.splice(0);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return dirs.length;
}

/** Writes `content` to a new temp file and returns its path. */
export function tmpFile(name: string, content: string | Uint8Array): string {
  const p = join(tmp(), name);
  writeFileSync(p, content);
  return p;
}

export function read(path: string): string {
  return readFileSync(path, "utf8");
}

export async function parseAll(format: Format, file: string, asOf?: string): Promise<ParseItem[]> {
  const out: ParseItem[] = [];
  for await (const item of parserFor(format)(file, { progress: noProgress, ...(asOf && { asOf }) }))
    out.push(item);
  return out;
}

export async function ingestOne(
  path: string,
  options: IngestOptions = {},
  spec: Partial<InputSpec> = {},
): Promise<Corpus> {
  return ingest([{ path, ...spec }], options);
}

export function papersOf(items: ParseItem[]) {
  return items.flatMap((i) => (i.kind === "paper" ? [i.paper] : []));
}

export function rejectsOf(items: ParseItem[]) {
  return items.flatMap((i) => (i.kind === "reject" ? [i.reject] : []));
}

/**
 * Runs the built CLI as a user would; records stdout, stderr and the exit code. Asynchronous,
 * so the test worker's event loop stays free while the subprocess runs.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "papertrends.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The heap's used bytes after a full, compacting collection (for tests of what is kept alive). */
export function usedHeapAfterCollection(): number {
  if (!compactHeap()) throw new Error("no full collection could be run");
  return getHeapStatistics().used_heap_size;
}
