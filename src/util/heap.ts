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
 * code` in `ConcurrentMarking::RunMajor`), and was taken out (README, Performance).
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
