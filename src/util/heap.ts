import { availableParallelism } from "node:os";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A heap at least this large (committed, in bytes) is compacted once the run has let the
 * papers' texts go (`compactLargeHeap`). At 1M papers the heap is about 1.8 GB then, at 300k
 * about 670 MB (270 MB live), at 143k under 512 MiB. From 1 GiB until concurrent marking was
 * paused through the counting (pauseConcurrentMarking): since then fewer full collections run
 * while it counts, and the 300k heap stayed near 600 MB committed where it used to shrink to
 * 410 MB; compacted, a 300k run's peak is 1,658 against 1,987 MB (3 alternating runs, the wall
 * 31.09 against 30.88 s).
 */
export const COMPACT_MIN_HEAP = 2 ** 29;

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
 * Whether V8 should stop marking on helper threads while `busy` JavaScript threads keep
 * `cores` cores busy: its concurrent marking then takes turns on the same cores with them.
 */
export function marksAside(cores: number, busy: number): boolean {
  return cores > busy;
}

let markingPauses = 0;

/** Whether a pause of concurrent marking (see pauseConcurrentMarking) is under way. */
export function concurrentMarkingPaused(): boolean {
  return markingPauses > 0;
}

/**
 * Turns V8's concurrent marking off (`--no-concurrent-marking`: each full collection's
 * marking is then done in steps on the thread whose heap it is) while `busy` JavaScript
 * threads keep every core busy (see marksAside), until the returned function is called (once
 * is enough; more calls do nothing). Pauses nest: marking goes concurrent again when the last
 * is over.
 *
 * Why: the text stage runs the main thread and a worker together on the 2-core machine this
 * was measured on, and the collector's marking threads took turns with them on the same
 * cores. Without them a 1M-paper run went 99.1 → 91.7 s (the text stage 31.1 → 26.9 s) and
 * a 143k run 18.7 → 17.8 s (see README, Performance). Kept off through the counting only:
 * after it, the main thread merges and fits alone, the second core is free for marking, and
 * marking in steps lets the heap grow further (off for the whole run, a 1M run peaked at
 * 3.8 GiB instead of 3.4; a 143k run peaks 0.14 GB higher even so).
 *
 * `set`: where the flag goes (tests record it). Flags given on the command line win: with
 * `--no-concurrent-marking` there, this changes nothing.
 */
export function pauseConcurrentMarking(
  busy: number,
  cores = availableParallelism(),
  set: (flag: string) => void = setFlagsFromString,
): () => void {
  const noop = (): void => undefined;
  if (marksAside(cores, busy) || process.execArgv.includes("--no-concurrent-marking")) return noop;
  if (markingPauses++ === 0) set("--no-concurrent-marking");
  let over = false;
  return () => {
    if (over) return;
    over = true;
    if (--markingPauses === 0) set("--concurrent-marking");
  };
}
