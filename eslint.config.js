import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

// V8 flags changed while the VM runs can crash it: switching concurrent marking during a run
// aborted node in a marking thread (README, Performance). src/util/heap.ts is the one place.
const V8_FLAGS =
  "V8 flags changed after start-up can crash node (see README, Performance); use src/util/heap.ts.";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "reports/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Use the seeded RNG from src/util/rng.ts." },
        { object: "v8", property: "setFlagsFromString", message: V8_FLAGS },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["v8", "node:v8"].map((name) => ({
            name,
            importNames: ["setFlagsFromString"],
            message: V8_FLAGS,
          })),
        },
      ],
    },
  },
  // the one place the run changes V8 flags, each read only by the thread that sets it
  { files: ["src/util/heap.ts"], rules: { "no-restricted-imports": "off" } },
);
