/**
 * A byte-based progress bar on stderr. Only drawn when the stream is a TTY, so logs and pipes
 * stay clean; redraws at most every 100 ms.
 */
export interface Progress {
  advance(bytes: number): void;
  done(): void;
}

export const noProgress: Progress = { advance: () => undefined, done: () => undefined };

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export function progressBar(
  total: number,
  label: string,
  stream: ProgressStream,
  now: () => number = () => performance.now(),
): Progress {
  if (!stream.isTTY || total <= 0) return noProgress;
  let seen = 0;
  let last = -Infinity;
  const start = now();
  const draw = (): void => {
    const frac = Math.min(1, seen / total);
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = Math.round(frac * width);
    const secs = (now() - start) / 1000;
    const mb = (seen / 1e6).toFixed(1);
    stream.write(
      `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb} MB ${secs.toFixed(1)}s`,
    );
  };
  return {
    advance(bytes) {
      seen += bytes;
      const t = now();
      if (t - last >= 100) {
        last = t;
        draw();
      }
    },
    done() {
      draw();
      stream.write("\n");
    },
  };
}
