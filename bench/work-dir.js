import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dirs = [];

function removeAll() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A new folder under the system's temp folder for a benchmark's outputs, removed when the
 * process exits (also when it is interrupted): the runs write gigabytes there (4 GB for a full
 * `npm run bench`), and left behind they filled /tmp. The resampled corpora are cached
 * elsewhere on purpose (see BENCH_DIR in run.js).
 */
export function workDir(prefix) {
  if (dirs.length === 0) {
    process.on("exit", removeAll);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
      process.once(signal, () => {
        removeAll();
        // then end as the signal would have
        process.kill(process.pid, signal);
      });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
