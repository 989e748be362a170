// A text-stage worker thread (see parallel.ts). Round one: analyse a chunk of texts, answer
// with its terms, surface counts and unigram counts. Round two: count the chunk's n-grams of
// the terms the main thread marks as common, answer with the counts and the documents (their
// buffers transferred, not copied).
import { parentPort, workerData } from "node:worker_threads";
import { countNgrams, countsMessage, unigramCounts } from "../vectorize/tfidf.js";
import {
  analyzeChunk,
  type AnalyzedMessage,
  type CountedMessage,
  type CountRequest,
  type TextChunk,
} from "./parallel.js";
import { Analyzer, type TextOptions } from "./tokenize.js";

const { options } = workerData as { options: TextOptions };
const port = parentPort;
if (port) {
  port.once("message", (chunk: TextChunk) => {
    const a = new Analyzer(options);
    const { ids, ptr } = analyzeChunk(a, chunk);
    const docs: Int32Array[] = [];
    for (let i = 0; i + 1 < ptr.length; i++) {
      docs.push(ids.subarray(ptr[i] as number, ptr[i + 1] as number));
    }
    const uni = unigramCounts(docs, a.terms.length);
    const analyzed: AnalyzedMessage = {
      terms: a.terms,
      surfaces: a.surfaceStats(),
      uniDf: uni.df,
      uniTf: uni.tf,
    };
    port.postMessage(analyzed);
    port.once("message", (req: CountRequest) => {
      const counts = countsMessage(
        countNgrams(docs, a.terms.length, req.ngramRange, req.common, req.wantTf, uni),
      );
      const reply: CountedMessage = { counts, ids, ptr };
      const transfer = [
        ids.buffer,
        ptr.buffer,
        counts.entries.buffer,
        counts.rows.ptr.buffer,
        counts.rows.ids.buffer,
        counts.rows.counts.buffer,
        ...(counts.slotTf ? [counts.slotTf.buffer] : []),
      ] as ArrayBuffer[];
      port.postMessage(reply, transfer);
    });
  });
}
