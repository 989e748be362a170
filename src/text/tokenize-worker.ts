// A tokenizer worker thread (see parallel.ts): analyses one chunk of texts and posts back its
// terms, surface counts and documents (the documents' buffers are transferred, not copied).
import { parentPort, workerData } from "node:worker_threads";
import { analyzeChunk, type ChunkResult, type TextChunk } from "./parallel.js";
import { Analyzer, type TextOptions } from "./tokenize.js";

const { options } = workerData as { options: TextOptions };
parentPort?.once("message", (chunk: TextChunk) => {
  const a = new Analyzer(options);
  const { ids, ptr } = analyzeChunk(a, chunk);
  const result: ChunkResult = { terms: a.terms, surfaces: a.surfaceStats(), ids, ptr };
  parentPort?.postMessage(result, [ids.buffer as ArrayBuffer, ptr.buffer as ArrayBuffer]);
});
