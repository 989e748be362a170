// A text-stage worker thread (see parallel.ts), holding one chunk of papers over three rounds:
// 1. analyse the texts; answer with the terms, surface counts and unigram counts;
// 2. count the n-grams of the terms the main thread marks as common; answer with the n-gram
//    table (and, when asked, the documents' term ids);
// 3. given each of its n-gram ids' column, answer with how many entries each of its rows has;
// 4. write its rows into the shared matrix at the place given. Typed arrays are transferred or
//    shared, not copied.
import { parentPort, workerData } from "node:worker_threads";
import {
  countNgrams,
  countsMessage,
  fillIdRows,
  idRowLengths,
  unigramCounts,
} from "../vectorize/tfidf.js";
import type {
  AnalyzedMessage,
  CountedMessage,
  CountRequest,
  FillRequest,
  MatrixRequest,
  RowLengthsMessage,
} from "./parallel.js";
import { analyzeChunk, Analyzer, docsOf, type TextChunk, type TextOptions } from "./tokenize.js";

const { options } = workerData as { options: TextOptions };
const port = parentPort;
if (port) {
  port.once("message", (chunk: TextChunk) => {
    const a = new Analyzer(options);
    const { ids, ptr } = analyzeChunk(a, chunk);
    const docs = docsOf(ids, ptr);
    const uni = unigramCounts(docs, a.terms.length);
    const analyzed: AnalyzedMessage = {
      terms: a.terms,
      surfaces: a.surfaceStats(),
      uniDf: uni.df,
      uniTf: uni.tf,
    };
    port.postMessage(analyzed);
    port.once("message", (req: CountRequest) => {
      const counted = countNgrams(docs, a.terms.length, req.ngramRange, req.common, req.wantTf);
      const counts = countsMessage(counted);
      const reply: CountedMessage = { counts, ...(req.sendDocs && { ids, ptr }) };
      const transfer = [
        counts.entries.buffer,
        counts.df.buffer,
        ...(counts.slotTf ? [counts.slotTf.buffer] : []),
        ...(req.sendDocs ? [ids.buffer, ptr.buffer] : []),
      ] as ArrayBuffer[];
      port.postMessage(reply, transfer);
      port.once("message", (m: MatrixRequest) => {
        const rowLen = idRowLengths(counted.rows, m.colOf);
        const reply: RowLengthsMessage = { rowLen };
        port.postMessage(reply, [rowLen.buffer as ArrayBuffer]);
        port.once("message", (f: FillRequest) => {
          fillIdRows(m.weighting, counted.rows, f.out, f.rowFrom);
          port.postMessage(null);
        });
      });
    });
  });
}
