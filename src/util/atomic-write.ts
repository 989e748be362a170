import { randomBytes } from "node:crypto";
import { access, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { crashPoint } from "./crash.js";
import { dirname, basename, join } from "node:path";

/** Bytes of each of the two buffers a streamed file is encoded into (by default). */
export const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Writes a file atomically: the content goes to a temporary file in the same directory, which
 * is flushed and then renamed over the target. A crash leaves either the old file or the new one.
 * `write` receives a function that appends a chunk, or a list of chunks in turn; it may be
 * called many times (streaming). Chunks are encoded (UTF-8) straight into one of two buffers,
 * so no joined copy of them is built: one buffer is filled while the other goes to disk. A
 * chunk too large for a buffer is written as it is, after what came before it. (A list saves
 * an await per chunk, and a string joined from many small ones: building it and then copying
 * it out cost about twice as much as encoding the small ones one by one.)
 */
export async function writeFileAtomic(
  path: string,
  write: (append: (chunk: string | readonly string[]) => Promise<void>) => Promise<void>,
  bufferBytes = WRITE_BUFFER_BYTES,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "w");
  // one write in flight: the next chunk is built while the last one goes to disk
  let writing: Promise<unknown> = Promise.resolve();
  const send = async (data: Buffer | string): Promise<void> => {
    await writing;
    writing = typeof data === "string" ? handle.write(data) : handle.write(data);
    // handled when awaited (next chunk, the end, or the catch below); never unhandled meanwhile
    writing.catch(() => undefined);
  };
  try {
    const buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)];
    let which = 0;
    let pos = 0;
    const flush = async (): Promise<void> => {
      if (pos === 0) return;
      // the other buffer is free once its write is done (send awaits it)
      await send((buffers[which] as Buffer).subarray(0, pos));
      which ^= 1;
      pos = 0;
    };
    const put = async (chunk: string): Promise<void> => {
      // a UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for its 2)
      if (chunk.length * 3 > bufferBytes - pos) {
        await flush();
        if (chunk.length * 3 > bufferBytes) return send(chunk);
      }
      pos += (buffers[which] as Buffer).write(chunk, pos);
    };
    await write(async (chunk) => {
      if (typeof chunk === "string") return put(chunk);
      for (const c of chunk) {
        // what fits is encoded at once; put flushes (or sends) the rest
        if (c.length * 3 <= bufferBytes - pos) pos += (buffers[which] as Buffer).write(c, pos);
        else await put(c);
      }
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
