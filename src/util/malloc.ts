/**
 * The glibc malloc settings papertrends runs with (`bin/papertrends.js` starts the CLI in a
 * child process that has them; the benchmarks' child processes too). glibc keeps blocks freed
 * by the text stage's threads (documents, n-gram tables, id rows: gigabytes at 1M papers)
 * for reuse instead of returning them, so a run's resident memory stayed near its peak to the
 * end, and the peak itself rose by what was freed but kept (300k papers: 2.25 GB resident
 * after the text stage, 1.06 GB with these). Fixed thresholds send every block of 128 kB or
 * more back to the system when it is freed. malloc reads them at start-up only.
 */
export const MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
} as const;
