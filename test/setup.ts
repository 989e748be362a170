import { afterAll } from "vitest";
import { removeTmp } from "./helpers.js";

// every test file's temp folders go when the file ends (a test suite must not fill /tmp)
afterAll(() => {
  removeTmp();
});
