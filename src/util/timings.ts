/**
 * Wall time and memory per pipeline stage, for `--timings` and the benchmarks. A stage ends
 * when the next one is marked; nothing here changes what a run computes or writes.
 */
export interface StageTime {
  stage: string;
  seconds: number;
  /** resident set size when the stage ended, MB */
  rssMB: number;
}

export class Timer {
  readonly stages: StageTime[] = [];
  private last: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  /** Ends the stage that ran since the previous mark, naming it. */
  mark(stage: string): void {
    const t = this.now();
    this.stages.push({
      stage,
      seconds: (t - this.last) / 1000,
      rssMB: process.memoryUsage.rss() / 2 ** 20,
    });
    this.last = t;
  }

  /** A fixed-width table for stderr. */
  format(): string {
    const total = this.stages.reduce((a, s) => a + s.seconds, 0);
    const rows = this.stages.map(
      (s) =>
        `  ${s.stage.padEnd(22)} ${s.seconds.toFixed(2).padStart(8)} s  ${Math.round(s.rssMB).toString().padStart(6)} MB`,
    );
    return [...rows, `  ${"total".padEnd(22)} ${total.toFixed(2).padStart(8)} s`].join("\n");
  }
}

/** A timer that records nothing, for callers that do not ask. */
export const noTimer = { mark: (_stage: string): void => undefined };
export type StageMarker = Pick<Timer, "mark">;
