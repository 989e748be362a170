#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import { main } from "../dist/cli.js";

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
