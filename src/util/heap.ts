import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A heap at least this large (committed, in bytes) is compacted once the run has let the
 * papers' texts go (`compactLargeHeap`). At 1M papers the heap is about 1.8 GB then; at
 * 300k about 600 MB, which is not worth the pause.
 */
export const COMPACT_MIN_HEAP = 2 ** 30;

/**
 * One full garbage collection that compacts the whole heap: the live objects are moved
 * together and the pages they leave are given back to the system.
 *
 * Why: the abstracts and author lists (over a gigabyte at 1M papers) were allocated among the
 * papers' other strings and objects, which stay. Once they are let go, V8's own full
 * collections free them but keep the pages, each now mostly empty, and its compaction
 * heuristics move few of them: at 1M papers the heap stayed at 1.6 GB committed for 850 MB
 * live through the text stage and the clustering, the part of the run where the matrix and
 * the embedding also stand, and so the run's peak. One compacting collection (1.4 s there)
 * brought it to 560 MB.
 *
 * V8 has no API for this: `gc` is reached through a new context once `--expose-gc` is set,
 * and `--compact-on-every-full-gc` is set around the call only. Returns false (and changes
 * nothing) where the flags cannot be set.
 *
 * Only flags this thread reads during the call are changed here. A flag the collector's own
 * threads read must not change while the VM runs: turning concurrent marking off and on again
 * during a run (845d675) once aborted node in a marking thread (`Fatal error ... unreachable
 * code` in `ConcurrentMarking::RunMajor`), and was taken out (bench/HISTORY.md).
 */
export function compactHeap(): boolean {
  let gc: unknown;
  try {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc");
  } catch {
    return false;
  }
  if (typeof gc !== "function") return false;
  setFlagsFromString("--compact-on-every-full-gc");
  try {
    (gc as () => void)();
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
  return true;
}

/** compactHeap when the heap has at least `minHeap` bytes committed; whether it ran. */
export function compactLargeHeap(minHeap = COMPACT_MIN_HEAP): boolean {
  return getHeapStatistics().total_heap_size >= minHeap && compactHeap();
}

/**
 * V8 flags the CLI's process starts with: `bin/papertrends.js` gives them to the child process
 * it runs the CLI in (with MALLOC_ENV), and the benchmarks to their child processes. Flags are
 * given at start-up only, never changed while the VM runs (see compactHeap).
 *
 * `--initial-old-space-size=256`: no full collection before the old generation holds 256 MB.
 * Left to itself V8 starts with a small limit and raises it step by step: at 143k papers the
 * main thread marked its heap at 16, 40, 120 and 300 MB while the ingest built the papers
 * (about 150 MB that all stay), and each worker thread did the same with its own heap. With
 * this flag: 143k papers, 24 pairs taking turns, median 0.65 s less wall time (18 of 24
 * faster; in the last 10 pairs about 1.5 s less CPU time); peak RSS +35 MB at 10k papers, about
 * +70-90 MB at 100k and 143k; 1M papers the same time and peak (the heap is far larger than
 * 256 MB there, so the limits are V8's own).
 */
export const START_FLAGS: readonly string[] = ["--initial-old-space-size=256"];

/** The name of a flag (`--name=value` or `--name`), with `_` read as `-` as V8 does. */
const flagName = (arg: string): string => arg.split("=", 1)[0]?.replaceAll("_", "-") ?? arg;

/**
 * `execArgv` with START_FLAGS added, except those whose flag is given already (in `execArgv`
 * or in `nodeOptions`, the NODE_OPTIONS variable): a value the user chose wins.
 */
export function withStartFlags(execArgv: readonly string[], nodeOptions = ""): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return [...execArgv, ...START_FLAGS.filter((f) => !given.has(flagName(f)))];
}

/** Whether withStartFlags would add nothing. */
export function hasStartFlags(execArgv: readonly string[], nodeOptions = ""): boolean {
  return withStartFlags(execArgv, nodeOptions).length === execArgv.length;
}
