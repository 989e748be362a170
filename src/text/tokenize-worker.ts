// A text-stage worker thread (see parallel.ts), holding one chunk of papers over four rounds:
// 1. analyse the texts (given at once, or streamed in batches during ingest, each batch's
//    unigrams counted as it comes); answer with the terms, surface counts and unigram counts;
// 2. count the n-grams of the terms the main thread marks as common; answer with the n-gram
//    table (and, when asked, the documents' term ids);
// 3. given each of its n-gram ids' column, answer with how many entries each of its rows has
//    (before that, while the main thread merges and fits, it may be given the matrix's room
//    to fault in);
// 4. write its rows into the shared matrix at the place given. Typed arrays are transferred or
//    shared, not copied.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { release, transferList } from "../util/release.js";
import {
  countNgrams,
  countsMessage,
  fillIdRows,
  idCount,
  idRowLengths,
  touchRoom,
  UnigramCounter,
  type IdRows,
} from "../vectorize/tfidf.js";
import {
  PREFAULT_STEP,
  WANT,
  type AnalyzedMessage,
  type CountedMessage,
  type CountRequest,
  type FillRequest,
  type HandOffMessage,
  type MatrixRequest,
  type PrefaultMessage,
  type RowLengthsMessage,
} from "./parallel.js";
import { analyzeChunk, Analyzer, docsOf, type TextChunk, type TextOptions } from "./tokenize.js";

/** Documents' term ids: document i of a block is ids[ptr[i] .. ptr[i + 1]). */
interface Block {
  ids: Int32Array;
  ptr: Int32Array;
}

/** Ids a block of streamed documents holds (16 MB: above malloc's mapping threshold). */
const BLOCK_IDS = 1 << 22;

/**
 * Streamed documents gathered in blocks of BLOCK_IDS ids, each batch copied into the current
 * block once. One array grown by half as documents came copied everything so far at each
 * step, into memory faulted in afresh: at 1M papers 3.5 s of the worker's time, at the end
 * of round one, which the main thread waited for. Blocks are large enough to be mapped on
 * their own, so that each goes back to the system when released (see MALLOC_ENV).
 */
class DocBlocks {
  private readonly sealed: Block[] = [];
  private ids = new Int32Array(0);
  private ptr: number[] = [0];

  constructor(private readonly blockIds = BLOCK_IDS) {}

  append(b: Block): void {
    const n = b.ptr.length - 1;
    const len = b.ptr[n] as number;
    let at = this.ptr[this.ptr.length - 1] as number;
    if (at + len > this.ids.length) {
      this.seal();
      this.ids = new Int32Array(Math.max(this.blockIds, len));
      at = 0;
    }
    this.ids.set(b.ids.subarray(0, len), at);
    for (let i = 1; i <= n; i++) this.ptr.push(at + (b.ptr[i] as number));
  }

  private seal(): void {
    if (this.ptr.length > 1) {
      const end = this.ptr[this.ptr.length - 1] as number;
      this.sealed.push({ ids: this.ids.subarray(0, end), ptr: Int32Array.from(this.ptr) });
    }
    this.ptr = [0];
  }

  /** Every block (the gathering ends). */
  done(): Block[] {
    this.seal();
    return this.sealed;
  }
}

/**
 * Documents [from, to) of the blocks, in order, as one block: a block itself when they are all
 * of it, else a copy (one call per block).
 */
function joined(blocks: readonly Block[], from: number, to: number): Block {
  const parts: [Block, number, number][] = [];
  let first = 0;
  for (const b of blocks) {
    const n = b.ptr.length - 1;
    const lo = Math.max(from, first) - first;
    const hi = Math.min(to, first + n) - first;
    if (lo < hi) parts.push([b, lo, hi]);
    first += n;
  }
  const [only] = parts;
  if (parts.length === 1 && only && only[1] === 0 && only[2] === only[0].ptr.length - 1)
    return only[0];
  const ptr = new Int32Array(Math.max(0, to - from) + 1);
  let d = 0;
  for (const [b, lo, hi] of parts) {
    const base = (ptr[d] as number) - (b.ptr[lo] as number);
    for (let i = lo; i < hi; i++) ptr[++d] = base + (b.ptr[i + 1] as number);
  }
  const ids = new Int32Array(ptr[d] as number);
  d = 0;
  for (const [b, lo, hi] of parts) {
    ids.set(b.ids.subarray(b.ptr[lo] as number, b.ptr[hi] as number), ptr[d] as number);
    d += hi - lo;
  }
  return { ids, ptr };
}

/** Views of the first `to` documents of the blocks. */
function views(blocks: readonly Block[], to: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (const b of blocks) {
    const n = Math.min(b.ptr.length - 1, to - out.length);
    if (n <= 0) break;
    docsOf(b.ids, b.ptr.subarray(0, n + 1), out);
  }
  return out;
}

const { options, streamed, blockIds } = workerData as {
  options: TextOptions;
  streamed?: boolean;
  blockIds?: number;
};
const port = parentPort;
if (port && streamed) {
  // round one streamed: batches of papers come while the main thread still reads the input;
  // each is analysed on arrival and answered with WANT (send another); null ends the round
  const a = new Analyzer(options);
  const uni = new UnigramCounter();
  const docs = new DocBlocks(blockIds);
  const onBatch = (batch: TextChunk | null): void => {
    if (batch === null) {
      port.off("message", onBatch);
      analyzed(port, a, uni, docs.done());
      return;
    }
    const chunk = analyzeChunk(a, batch);
    port.postMessage(WANT);
    // counted after asking for the next batch, so that it is on its way meanwhile
    uni.add(chunk.ids, chunk.ptr);
    docs.append(chunk);
  };
  port.on("message", onBatch);
} else if (port) {
  port.once("message", (chunk: TextChunk) => {
    const a = new Analyzer(options);
    const block = analyzeChunk(a, chunk);
    const uni = new UnigramCounter();
    uni.add(block.ids, block.ptr);
    analyzed(port, a, uni, [block]);
  });
}

/** Round one's answer, then round two on the next message. */
function analyzed(port: MessagePort, a: Analyzer, counter: UnigramCounter, blocks: Block[]): void {
  const uni = counter.counts(a.terms.length);
  const reply: AnalyzedMessage = {
    terms: a.terms,
    surfaces: a.surfaceStats(),
    uniDf: uni.df,
    uniTf: uni.tf,
  };
  port.postMessage(reply);
  const nTerms = a.terms.length;
  port.once("message", (req: CountRequest) => count(port, req, blocks, nTerms));
}

/**
 * Round two, then three and four. Rounds are separate functions so that each keeps only what
 * the next needs: once counted, the documents, the analyzer and the n-gram table are let go
 * and only the id rows live on (at 1M papers, hundreds of megabytes a thread). With `keep`,
 * the documents from `keep` on are first handed to the main thread (which counts them).
 */
function count(port: MessagePort, req: CountRequest, blocks: Block[], nTerms: number): void {
  const nDocs = blocks.reduce((n, b) => n + b.ptr.length - 1, 0);
  let keep = nDocs;
  if (req.keep !== undefined) {
    // always answered (maybe with no documents): the main thread waits for it first
    keep = Math.min(req.keep, nDocs);
    const handed: HandOffMessage = joined(blocks, keep, nDocs);
    port.postMessage(handed, transferList([handed.ids.buffer, handed.ptr.buffer]));
  }
  const docs = views(blocks, keep);
  const counted = countNgrams(docs, nTerms, req.ngramRange, req.common, req.wantTf);
  const counts = countsMessage(counted);
  // the documents go back as one block (only guided themes ask for them)
  const sent = req.sendDocs ? joined(blocks, 0, keep) : null;
  const reply: CountedMessage = {
    counts,
    entries: idCount(counted.rows),
    ...(sent && { ids: sent.ids, ptr: sent.ptr }),
  };
  const transfer = transferList([
    counts.entries.buffer,
    counts.df.buffer,
    ...(counts.slotTf ? [counts.slotTf.buffer] : []),
    ...(sent ? [sent.ids.buffer, sent.ptr.buffer] : []),
  ]);
  port.postMessage(reply, transfer);
  // counted: the table and the documents go now, before the matrix is laid out (those sent
  // whole are gone already: transferred)
  counted.table.dispose();
  release(blocks.flatMap((b) => [b.ids, b.ptr]));
  const rows = counted.rows;
  // the matrix's room may come first; round three's request ends its faulting in
  let stopped = false;
  const onMessage = (m: PrefaultMessage | MatrixRequest): void => {
    if ("room" in m) return prefault(m, () => stopped);
    stopped = true;
    port.off("message", onMessage);
    matrix(port, m, rows);
  };
  port.on("message", onMessage);
}

/**
 * Faults in the matrix's room (see MatrixRoom) a step at a time up to the limit the main
 * thread sets, yielding between steps so that round three's request is heard, and waiting
 * when the limit is reached until it is raised. It stops for good when `stopped` says so:
 * nothing is written once the main thread may write the matrix (it only does after round
 * three's answer).
 */
function prefault(m: PrefaultMessage, stopped: () => boolean): void {
  const capacity = m.room.indices.length;
  let at = 0;
  const step = (): void => {
    if (stopped() || at >= capacity) return;
    const limit = Atomics.load(m.limit, 0);
    if (at < limit) {
      at = touchRoom(m.room, at, Math.min(limit, at + PREFAULT_STEP));
      setImmediate(step);
    } else setTimeout(step, 2);
  };
  step();
}

function matrix(port: MessagePort, m: MatrixRequest, rows: IdRows[]): void {
  const rowLen = idRowLengths(rows, m.keyOf);
  const reply: RowLengthsMessage = { rowLen };
  port.postMessage(reply, transferList([rowLen.buffer]));
  port.once("message", (f: FillRequest) => {
    fillIdRows(m.weighting, rows, f.out, f.rowFrom);
    port.postMessage(null);
  });
}
