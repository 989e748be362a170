#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import { startSeriesTables } from "../dist/trends/tables.js";

// the commands that draw trend series start loading their table library (about a second) on
// a worker thread first, while the CLI's modules load here
if (["run", "trends", "report"].includes(process.argv[2] ?? "")) startSeriesTables();
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
