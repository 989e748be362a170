// A text-stage worker thread (see parallel.ts), holding one chunk of papers over four rounds:
// 1. analyse the texts (given at once, or streamed in batches during ingest, each batch's
//    unigrams counted as it comes); answer with the terms, surface counts and unigram counts;
// 2. count the n-grams of the terms the main thread marks as common; answer with the n-gram
//    table (and, when asked, the documents' term ids);
// 3. given each of its n-gram ids' column, answer with how many entries each of its rows has;
// 4. write its rows into the shared matrix at the place given. Typed arrays are transferred or
//    shared, not copied.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { release } from "../util/release.js";
import {
  countNgrams,
  countsMessage,
  fillIdRows,
  idRowLengths,
  UnigramCounter,
  type IdRows,
} from "../vectorize/tfidf.js";
import {
  WANT,
  type AnalyzedMessage,
  type CountedMessage,
  type CountRequest,
  type FillRequest,
  type HandOffMessage,
  type MatrixRequest,
  type RowLengthsMessage,
} from "./parallel.js";
import {
  analyzeChunk,
  analyzeInto,
  Analyzer,
  docsOf,
  newDocIds,
  type TextChunk,
  type TextOptions,
} from "./tokenize.js";

const { options, streamed } = workerData as { options: TextOptions; streamed?: boolean };
const port = parentPort;
if (port && streamed) {
  // round one streamed: batches of papers come while the main thread still reads the input;
  // each is analysed on arrival and answered with WANT (send another); null ends the round
  const a = new Analyzer(options);
  const uni = new UnigramCounter();
  let docs = newDocIds();
  const onBatch = (batch: TextChunk | null): void => {
    if (batch === null) {
      port.off("message", onBatch);
      analyzed(port, a, uni, docs.ids.subarray(0, docs.at), docs.ptr.subarray(0, docs.n + 1));
      return;
    }
    const from = docs.n;
    docs = analyzeInto(a, batch, docs);
    port.postMessage(WANT);
    // counted after asking for the next batch, so that it is on its way meanwhile
    uni.add(docs.ids, docs.ptr, from, docs.n);
  };
  port.on("message", onBatch);
} else if (port) {
  port.once("message", (chunk: TextChunk) => {
    const a = new Analyzer(options);
    const { ids, ptr } = analyzeChunk(a, chunk);
    const uni = new UnigramCounter();
    uni.add(ids, ptr);
    analyzed(port, a, uni, ids, ptr);
  });
}

/** Round one's answer, then round two on the next message. */
function analyzed(
  port: MessagePort,
  a: Analyzer,
  counter: UnigramCounter,
  ids: Int32Array,
  ptr: Int32Array,
): void {
  const uni = counter.counts(a.terms.length);
  const reply: AnalyzedMessage = {
    terms: a.terms,
    surfaces: a.surfaceStats(),
    uniDf: uni.df,
    uniTf: uni.tf,
  };
  port.postMessage(reply);
  const nTerms = a.terms.length;
  port.once("message", (req: CountRequest) => count(port, req, ids, ptr, nTerms));
}

/**
 * Round two, then three and four. Rounds are separate functions so that each keeps only what
 * the next needs: once counted, the documents, the analyzer and the n-gram table are let go
 * and only the id rows live on (at 1M papers, hundreds of megabytes a thread). With `keep`,
 * the documents from `keep` on are first handed to the main thread (which counts them).
 */
function count(
  port: MessagePort,
  req: CountRequest,
  ids: Int32Array,
  allPtr: Int32Array,
  nTerms: number,
): void {
  let ptr = allPtr;
  const nDocs = allPtr.length - 1;
  if (req.keep !== undefined) {
    // always answered (maybe with no documents): the main thread waits for it first
    const keep = Math.min(req.keep, nDocs);
    const from = allPtr[keep] as number;
    const handed: HandOffMessage = {
      ids: ids.slice(from, allPtr[nDocs] as number),
      ptr: Int32Array.from(allPtr.subarray(keep), (x) => x - from),
    };
    port.postMessage(handed, [handed.ids.buffer, handed.ptr.buffer] as ArrayBuffer[]);
    ptr = allPtr.slice(0, keep + 1);
  }
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
  // counted: the table and (unless sent) the documents go now, before the matrix is laid out
  counted.table.dispose();
  if (!req.sendDocs) release([ids, allPtr, ptr]);
  const rows = counted.rows;
  port.once("message", (m: MatrixRequest) => matrix(port, m, rows));
}

function matrix(port: MessagePort, m: MatrixRequest, rows: IdRows[]): void {
  const rowLen = idRowLengths(rows, m.keyOf);
  const reply: RowLengthsMessage = { rowLen };
  port.postMessage(reply, [rowLen.buffer as ArrayBuffer]);
  port.once("message", (f: FillRequest) => {
    fillIdRows(m.weighting, rows, f.out, f.rowFrom);
    port.postMessage(null);
  });
}
