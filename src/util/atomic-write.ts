import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
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
  try {
    let buffered: string[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (buffered.length === 0) return;
      await handle.write(buffered.join(""));
      buffered = [];
      size = 0;
    };
    await write(async (chunk) => {
      buffered.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, (append) => append(text));
}
