/**
 * The glibc malloc settings papertrends runs with (`bin/papertrends.js` starts the CLI in a
 * child process that has them; the benchmarks' child processes too). malloc reads them at
 * start-up only.
 *
 * Left to itself, glibc keeps blocks freed by the text stage's threads (documents, n-gram
 * tables, id rows: gigabytes at 1M papers) for reuse instead of returning them, so a run's
 * resident memory stayed near its peak to the end, and the peak rose by what was freed but
 * kept (143k papers: 1.51 GB against 1.0 GB; at 1M papers past the 4 GB target).
 *
 * Returning too much costs as much the other way: every page of memory that comes back from
 * the system is faulted in afresh, and on these machines that is slow (first touch of 750 MB:
 * 2.6 s; touching it again: 0.07 s). With both thresholds at 128 kB a 143k run faulted in 3.6
 * GB (930k minor faults, 11 s of system time) and a 1M run 15 GB (4.0M faults, 54 s).
 *
 * So blocks of 4 MB or more (the matrices, id rows and documents, which live long) go back to
 * the system when freed, and smaller ones (batches being read, posted to a thread and
 * counted, which come and go all through a run) are kept for reuse, with at most 16 MB free
 * at the top of each heap. 143k papers: 657k faults, peak 1.04 GB; 1M papers: 2.9M faults,
 * 36 s of system time, peak 3.86 GB (see bench/HISTORY.md).
 *
 * The memory malloc maps is asked to be backed by transparent huge pages where the system
 * allows them on request (`glibc.malloc.hugetlb=1`, glibc 2.35 and later; older ones and
 * other C libraries ignore it, as does a kernel with huge pages off): a fresh 2 MB page is one
 * fault instead of 512, and first touch here took 2.4 times less time. 143k papers: 610k → 360k
 * faults, about 1.1 s less wall time (10 pairs taking turns) and 77 MiB more at the peak;
 * 1M papers: 2.5M → 1.4M faults, 5-10 % faster, 50-80 MiB more at the peak.
 */
const HUGETLB = "glibc.malloc.hugetlb";

export const MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(4 << 20),
  MALLOC_TRIM_THRESHOLD_: String(16 << 20),
  GLIBC_TUNABLES: `${HUGETLB}=1`,
} as const;

/**
 * `env` with the settings of MALLOC_ENV. Tunables already in `GLIBC_TUNABLES` are kept (it is
 * a colon-separated list of name=value), and a `glibc.malloc.hugetlb` given there wins.
 */
export function withMallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tunables = (env.GLIBC_TUNABLES ?? "").split(":").filter((t) => t !== "");
  if (!tunables.some((t) => t.startsWith(`${HUGETLB}=`))) tunables.push(MALLOC_ENV.GLIBC_TUNABLES);
  return { ...env, ...MALLOC_ENV, GLIBC_TUNABLES: tunables.join(":") };
}

/** Whether `env` has MALLOC_ENV's settings already (withMallocEnv would change nothing). */
export function hasMallocEnv(env: NodeJS.ProcessEnv): boolean {
  const want = withMallocEnv(env);
  return Object.keys(MALLOC_ENV).every((k) => env[k] === want[k]);
}
