/**
 * Crash points for the crash-safety test: with PAPERTRENDS_CRASH_AT=<name> in the environment,
 * the process kills itself with SIGKILL (what `kill -9` sends) on reaching that point, so the
 * test can stop a run at each step that writes. Unset, a crash point is one environment lookup.
 */
export function crashPoint(name: string): void {
  if (process.env.PAPERTRENDS_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
