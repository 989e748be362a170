// Writes pipelines/pipeline.schema.json from the zod schema in src/config.ts (run: npm run schema).
import { writeFileSync } from "node:fs";
import { pipelineJsonSchema } from "../dist/index.js";

const path = new URL("../pipelines/pipeline.schema.json", import.meta.url);
writeFileSync(path, JSON.stringify(pipelineJsonSchema(), null, 2) + "\n");
console.log(`wrote ${path.pathname}`);
