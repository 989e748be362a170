import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Whether a worker thread's compiled script exists, so that a thread can start on it. Not when
 * the project runs from its TypeScript sources (vitest on src/): the `.js` beside the module
 * is then missing, and callers do the work on the current thread instead.
 */
export function workerFileExists(url: URL): boolean {
  return url.protocol === "file:" && existsSync(fileURLToPath(url));
}
