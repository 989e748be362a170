// A text-stage worker thread (see parallel.ts), holding one chunk of papers over three rounds:
// 1. analyse the texts; answer with the terms, surface counts and unigram counts;
// 2. count the n-grams of the terms the main thread marks as common; answer with the n-gram
//    table (and, when asked, the documents' term ids);
// 3. given each of its n-gram ids' column, answer with how many entries each of its rows has;
// 4. write its rows into the shared matrix at the place given. Typed arrays are transferred or
//    shared, not copied.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import {
  countNgrams,
  countsMessage,
  fillIdRows,
  idRowLengths,
  unigramCounts,
  type IdRows,
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
    const uni = unigramCounts(docsOf(ids, ptr), a.terms.length);
    const analyzed: AnalyzedMessage = {
      terms: a.terms,
      surfaces: a.surfaceStats(),
      uniDf: uni.df,
      uniTf: uni.tf,
    };
    port.postMessage(analyzed);
    const nTerms = a.terms.length;
    port.once("message", (req: CountRequest) => count(port, req, ids, ptr, nTerms));
  });
}

/**
 * Round two, then three and four. Rounds are separate functions so that each keeps only what
 * the next needs: once counted, the documents, the analyzer and the n-gram table are let go
 * and only the id rows live on (at 1M papers, hundreds of megabytes a thread).
 */
function count(
  port: MessagePort,
  req: CountRequest,
  ids: Int32Array,
  ptr: Int32Array,
  nTerms: number,
): void {
  const counted = countNgrams(docsOf(ids, ptr), nTerms, req.ngramRange, req.common, req.wantTf);
  const counts = countsMessage(counted);
  const reply: CountedMessage = { counts, ...(req.sendDocs && { ids, ptr }) };
  const transfer = [
    counts.entries.buffer,
    counts.df.buffer,
    ...(counts.slotTf ? [counts.slotTf.buffer] : []),
    ...(req.sendDocs ? [ids.buffer, ptr.buffer] : []),
  ] as ArrayBuffer[];
  port.postMessage(reply, transfer);
  const rows = counted.rows;
  port.once("message", (m: MatrixRequest) => matrix(port, m, rows));
}

function matrix(port: MessagePort, m: MatrixRequest, rows: IdRows[]): void {
  const rowLen = idRowLengths(rows, m.colOf);
  const reply: RowLengthsMessage = { rowLen };
  port.postMessage(reply, [rowLen.buffer as ArrayBuffer]);
  port.once("message", (f: FillRequest) => {
    fillIdRows(m.weighting, rows, f.out, f.rowFrom);
    port.postMessage(null);
  });
}
