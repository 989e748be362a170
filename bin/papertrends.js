#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import { spawn } from "node:child_process";
import { hasStartFlags, withStartFlags } from "../dist/util/heap.js";
import { hasMallocEnv, withMallocEnv } from "../dist/util/malloc.js";

// malloc's settings (MALLOC_ENV, src/util/malloc.ts) and V8's heap flags (START_FLAGS,
// src/util/heap.ts) are read at start-up only, so the CLI runs in a child process that has them
const nodeOptions = process.env.NODE_OPTIONS ?? "";
const relaunch =
  process.platform === "linux" &&
  !(hasMallocEnv(process.env) && hasStartFlags(process.execArgv, nodeOptions)) &&
  process.env.PAPERTRENDS_NO_RELAUNCH === undefined;

if (relaunch) {
  const child = spawn(
    process.execPath,
    [...withStartFlags(process.execArgv, nodeOptions), ...process.argv.slice(1)],
    {
      stdio: "inherit",
      env: withMallocEnv(process.env),
    },
  );
  // the child ends with this process: a signal sent to it alone is passed on
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, () => child.kill(s));
  child.on("error", (e) => {
    process.stderr.write(`papertrends: cannot start: ${e.message}\n`);
    process.exitCode = 2;
  });
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      // end the same way (the shell then reports the signal, as it would have)
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 2;
  });
} else {
  await runCli();
}

async function runCli() {
  const { startSeriesTables } = await import("../dist/trends/tables.js");
  // the commands that draw trend series from a folder start loading their table library
  // (about a second) on a worker thread first, while the CLI's modules load here; runs start
  // it themselves (runPipeline once its text stage leaves a core free, runWeek at once)
  if (["trends", "report"].includes(process.argv[2] ?? "")) startSeriesTables();
  const { main } = await import("../dist/cli.js");

  // A run whose event loop empties before it settles (a bug: nothing left to wake it) must
  // not pass for a success.
  let settled = false;
  process.on("beforeExit", () => {
    if (settled) return;
    process.stderr.write("papertrends: internal error: the run stopped before it finished\n");
    process.exitCode = 2;
    settled = true;
  });
  const code = await main(process.argv);
  settled = true;
  process.exitCode = code;
}
