import { randomBytes } from "node:crypto";
import { access, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { crashPoint } from "./crash.js";
import { dirname, basename, join } from "node:path";

/**
 * Writes a file atomically: the content goes to a temporary file in the same directory, which
 * is flushed and then renamed over the target. A crash leaves either the old file or the new one.
 * `write` receives a function that appends a chunk; it may be called many times (streaming).
 */
export async function writeFileAtomic(
  path: string,
  write: (append: (chunk: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "w");
  // one write in flight: the next chunk is built while the last one goes to disk
  let writing: Promise<unknown> = Promise.resolve();
  try {
    let buffered: string[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (buffered.length === 0) return;
      const text = buffered.join("");
      buffered = [];
      size = 0;
      await writing;
      writing = handle.write(text);
      // handled when awaited (next chunk, the end, or the catch below); never unhandled meanwhile
      writing.catch(() => undefined);
    };
    await write(async (chunk) => {
      buffered.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) await flush();
    });
    await flush();
    await writing;
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (e) {
    await writing.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, (append) => append(text));
}

/**
 * Fills a new folder beside `dir` and then swaps it in for `dir`: a run killed at any point
 * leaves either the previous folder whole or the new one whole (plus, at worst, a leftover
 * `.tmp-`/`.old-` sibling). Returns what `fill` returns, with paths rewritten to `dir`.
 */
export async function replaceDir(
  dir: string,
  fill: (tmp: string) => Promise<string[]>,
): Promise<string[]> {
  await restoreDir(dir);
  const tag = randomBytes(4).toString("hex");
  const tmp = `${dir}.tmp-${tag}`;
  await mkdir(tmp, { recursive: true });
  let files: string[];
  try {
    files = await fill(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = `${dir}.old-${tag}`;
  await rename(dir, old).catch(() => undefined);
  crashPoint("report-swap");
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
  return files.map((f) => (f.startsWith(tmp) ? dir + f.slice(tmp.length) : f));
}

/**
 * Cleans up after a replaceDir that was killed: its half-filled `.tmp-` siblings are removed,
 * and if `dir` is missing but an `.old-` sibling exists (the process died between the two
 * renames), the newest one is put back. One run per report folder at a time.
 */
export async function restoreDir(dir: string): Promise<boolean> {
  const parent = dirname(dir);
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const n of names)
    if (n.startsWith(`${basename(dir)}.tmp-`))
      await rm(join(parent, n), { recursive: true, force: true });
  const present = await access(dir).then(
    () => true,
    () => false,
  );
  if (present) return false;
  const prefix = `${basename(dir)}.old-`;
  let best: { path: string; mtime: number } | null = null;
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const path = join(parent, n);
    const m = (await stat(path)).mtimeMs;
    if (!best || m > best.mtime) best = { path, mtime: m };
  }
  if (!best) return false;
  await rename(best.path, dir);
  return true;
}
