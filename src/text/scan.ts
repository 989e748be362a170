/**
 * The hot path of the text stage: a single scan over a text's UTF-16 code units that finds
 * the words natural's RegexpTokenizer finds with the project's pattern
 * (`[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*`) and the sentence ends the analyzer splits on
 * (`[.!?;:]` before white space or the end, or a blank line), and interns each word by its
 * code units in an open-addressing table, so a repeated word costs a hash and a comparison:
 * no substring, no regular expression, no Map lookup. The scan and the table are WebAssembly
 * (scripts/wasm-scan.js): the text is copied into the module's memory (one native call) and
 * the ids come back in an array. On the 143k abstracts it took 0.6 of the time the same scan
 * took in TypeScript (which it replaces; same ids). The module also maps the ids to the
 * caller's labels (the analyzer's term ids: `gather`), so that no JavaScript runs per word.
 * natural's tokenizer stays the reference: a test checks the two agree on the bundled corpora.
 */
import { SCAN_WASM } from "./scan-wasm-bytes.js";
import { PAGE, wasmApi, type WasmMemory } from "../util/wasm-memory.js";

const WORD = 1;
const SPACE = 2;
const JOINER = 3; // - ' ’
const END = 4; // . ! ? ; :
let classes: Uint8Array | null = null;

/** Character classes of the Basic Multilingual Plane, built once per thread (~10 ms). */
function charClasses(): Uint8Array {
  if (classes) return classes;
  const c = new Uint8Array(65536);
  const word = /[\p{L}\p{N}]/u;
  const space = /\s/;
  for (let i = 0; i < 65536; i++) {
    if (i >= 0xd800 && i <= 0xdfff) continue; // surrogates: judged in pairs
    const ch = String.fromCharCode(i);
    if (word.test(ch)) c[i] = WORD;
    else if (space.test(ch)) c[i] = SPACE;
  }
  for (const ch of "-'’") c[ch.charCodeAt(0)] = JOINER;
  for (const ch of ".!?;:") c[ch.charCodeAt(0)] = END;
  classes = c;
  return c;
}

const astral = new Map<number, boolean>();
/** 2 when the surrogate pair (hi, lo) is a letter or digit; 0 when not (or not a pair). */
function astralWordLength(hi: number, lo: number): number {
  if (hi < 0xd800 || hi > 0xdbff || lo < 0xdc00 || lo > 0xdfff) return 0;
  const cp = (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
  let w = astral.get(cp);
  if (w === undefined) {
    w = /[\p{L}\p{N}]/u.test(String.fromCodePoint(cp));
    astral.set(cp, w);
  }
  return w ? 2 : 0;
}

interface ScanExports {
  place(buckets: number, mask: number, starts: number, pool: number): void;
  count(): number;
  used(): number;
  intern(t: number, start: number, end: number, hash: number): number;
  scan(t: number, n: number, out: number): number;
  gather(
    out: number,
    k: number,
    labels: number,
    tally: number,
    dst: number,
    n: number,
    boundary: number,
  ): number;
}

let scanModule: object | null = null;
const HIGH = 5;
/**
 * A table's memory at first: 256 MiB, of which only the pages touched are backed. Growing
 * it would detach its buffer, which slows every typed-array access on the thread after (see
 * src/util/wasm-memory.ts); the 1M-paper corpus's tables stay within this (a 1M run grew no
 * memory), and a larger one still grows.
 */
const FIRST_PAGES = 4096;

/**
 * Interned raw tokens: code units → id, in WebAssembly (scripts/wasm-scan.js). Each bucket
 * holds the word's hash beside its id, and the words' code units sit end to end in one pool,
 * so a probe reads one bucket and compares against contiguous memory. Each table has its own
 * instance and memory: the character classes at 0, then the buckets, the words' starts, the
 * pool, the text being scanned and the scan's output, each word's label and tally, and the
 * gathered labels, each moved to the end of the memory (which grows) when it needs more room.
 * `words` holds each id's word as a string, made when the word is first seen.
 */
export class TokenTable {
  readonly words: string[] = [];
  private readonly x: ScanExports;
  private readonly memory: WasmMemory;
  private ints = new Int32Array(0);
  private bytes = Buffer.alloc(0);
  /** the end of the regions laid out (bytes) */
  private top = PAGE;
  private buckets = 0;
  private mask = (1 << 14) - 1;
  private starts = 0;
  private startsRoom = 1 << 13;
  private pool = 0;
  private poolRoom = 1 << 16;
  private text = 0;
  private textRoom = 1 << 15;
  private out = 0;
  /** per word: its label and tally (see `gather`), room for `wordRoom` words */
  private labels = 0;
  private tally = 0;
  private wordRoom = 1 << 13;
  /** the gathered labels: `gathered` of them, room for `gatherRoom` */
  private dst = 0;
  private gatherRoom = 1 << 15;
  private gatheredCount = 0;

  constructor() {
    const wasm = wasmApi();
    scanModule ??= new wasm.Module(Buffer.from(SCAN_WASM, "base64"));
    this.memory = new wasm.Memory({ initial: FIRST_PAGES });
    const env = {
      astral: (hi: number, lo: number) => astralWordLength(hi, lo),
      memory: this.memory,
    };
    this.x = new wasm.Instance(scanModule, { env }).exports as ScanExports;
    this.buckets = this.take((this.mask + 1) * 8);
    this.starts = this.take(this.startsRoom * 4);
    this.pool = this.take(this.poolRoom * 2);
    this.text = this.take(this.textRoom * 2);
    this.out = this.take((this.textRoom + 1) * 4);
    this.labels = this.take(this.wordRoom * 4);
    this.tally = this.take(this.wordRoom * 4);
    this.dst = this.take(this.gatherRoom * 4);
    const classes = new Uint8Array(this.memory.buffer, 0, PAGE);
    classes.set(charClasses());
    classes.fill(HIGH, 0xd800, 0xdc00);
    this.place();
  }

  get size(): number {
    return this.words.length;
  }

  /**
   * Scans a text: interns its words and returns how many ids and sentence ends (-1) it wrote
   * to `output()`, in text order (a word never spans a sentence end: the end characters are
   * not word characters).
   */
  scan(text: string): number {
    const n = text.length;
    this.reserve(n);
    this.bytes.write(text, this.text, 2 * n, "utf16le");
    const k = this.x.scan(this.text, n, this.out);
    this.named();
    return k;
  }

  /**
   * Maps the last scan's k outputs to labels, appended to the gathered ones: each word's
   * tally grows by one and its label is appended when it is >= 0 (a label < 0 drops the
   * word); a sentence end appends `boundary` when labels came since the text's start or the
   * last boundary, and so does the text's end. Every word the scan met must have its label
   * set by then (`setLabel`). Returns how many labels are gathered.
   */
  gather(k: number, boundary: number): number {
    this.gatheredCount = this.x.gather(
      this.out,
      k,
      this.labels,
      this.tally,
      this.dst,
      this.gatheredCount,
      boundary,
    );
    return this.gatheredCount;
  }

  /** How many labels are gathered. */
  get gathered(): number {
    return this.gatheredCount;
  }

  /** Keeps the first n gathered labels only (n <= gathered). */
  truncate(n: number): void {
    this.gatheredCount = n;
  }

  /** The gathered labels from..to (a view: valid until the next scan or intern). */
  gatheredIds(from = 0, to = this.gatheredCount): Int32Array {
    return this.ints.subarray((this.dst >> 2) + from, (this.dst >> 2) + to);
  }

  /** A word's label (0 until set). */
  labelOf(id: number): number {
    return this.ints[(this.labels >> 2) + id] as number;
  }

  setLabel(id: number, label: number): void {
    this.ints[(this.labels >> 2) + id] = label;
  }

  /** A word's tally: how many times `gather` (or `addTally`) met it. */
  tallyOf(id: number): number {
    return this.ints[(this.tally >> 2) + id] as number;
  }

  addTally(id: number, c: number): void {
    this.ints[(this.tally >> 2) + id] = this.tallyOf(id) + c;
  }

  /** The last scan's output (valid until the next scan). */
  output(k: number): Int32Array {
    return this.ints.subarray(this.out >> 2, (this.out >> 2) + k);
  }

  /** The id of a word given as a string (interned when new). */
  internWord(word: string): number {
    const n = word.length;
    this.reserve(n);
    this.bytes.write(word, this.text, 2 * n, "utf16le");
    const id = this.x.intern(this.text, 0, n, hashOf(word));
    this.named();
    return id;
  }

  /**
   * Strings for the words interned since the last call: their code units (end to end in the
   * pool) decoded at once, then cut. Fresh strings, never views into the texts scanned.
   */
  private named(): void {
    const count = this.x.count();
    const first = this.words.length;
    if (count === first) return;
    const st = this.starts >> 2;
    const from = this.ints[st + first] as number;
    const all = this.bytes.toString(
      "utf16le",
      this.pool + 2 * from,
      this.pool + 2 * (this.ints[st + count] as number),
    );
    for (let id = first; id < count; id++) {
      this.words.push(
        all.slice((this.ints[st + id] as number) - from, (this.ints[st + id + 1] as number) - from),
      );
    }
  }

  /**
   * Room for a text of n code units: it holds at most n new words of n code units in all,
   * and at most n + 1 outputs, which gather to at most n + 2 labels.
   */
  private reserve(n: number): void {
    const count = this.x.count();
    const used = this.x.used();
    let moved = false;
    if (n > this.textRoom) {
      this.textRoom = Math.max(n, this.textRoom * 2);
      this.text = this.take(this.textRoom * 2);
      this.out = this.take((this.textRoom + 1) * 4);
      moved = true;
    }
    if (count + n + 2 > this.startsRoom) {
      const room = Math.max(count + n + 2, this.startsRoom * 2);
      this.starts = this.relocate(this.starts, (count + 1) * 4, room * 4);
      this.startsRoom = room;
      moved = true;
    }
    if (count + n > this.wordRoom) {
      const room = Math.max(count + n, this.wordRoom * 2);
      this.labels = this.relocate(this.labels, count * 4, room * 4);
      this.tally = this.relocate(this.tally, count * 4, room * 4);
      this.wordRoom = room;
    }
    if (this.gatheredCount + n + 2 > this.gatherRoom) {
      const room = Math.max(this.gatheredCount + n + 2, this.gatherRoom * 2);
      this.dst = this.relocate(this.dst, this.gatheredCount * 4, room * 4);
      this.gatherRoom = room;
    }
    if (used + n > this.poolRoom) {
      const room = Math.max(used + n, this.poolRoom * 2);
      this.pool = this.relocate(this.pool, used * 2, room * 2);
      this.poolRoom = room;
      moved = true;
    }
    if ((count + n) * 2 > this.mask + 1) {
      let size = (this.mask + 1) * 2;
      while ((count + n) * 2 > size) size *= 2;
      const at = this.take(size * 8);
      this.rehash(at, size - 1);
      this.buckets = at;
      this.mask = size - 1;
      moved = true;
    }
    if (moved) this.place();
  }

  /** A region of `room` bytes at the end of the memory holding the first `bytes` of `from`. */
  private relocate(from: number, bytes: number, room: number): number {
    const at = this.take(room);
    this.bytes.copy(this.bytes, at, from, from + bytes);
    return at;
  }

  /** The buckets again at `at`, for a table of mask + 1 buckets. */
  private rehash(at: number, mask: number): void {
    const old = this.ints.subarray(this.buckets >> 2, (this.buckets >> 2) + (this.mask + 1) * 2);
    const b = this.ints.subarray(at >> 2, (at >> 2) + (mask + 1) * 2);
    for (let o = 0; o < old.length; o += 2) {
      if (old[o + 1] === 0) continue;
      const h = old[o] as number;
      let i = h & mask;
      while (b[2 * i + 1] !== 0) i = (i + 1) & mask;
      b[2 * i] = h;
      b[2 * i + 1] = old[o + 1] as number;
    }
  }

  /** A region of `bytes` (8-byte aligned) at the end of the memory, grown when needed. */
  private take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 8) * 8;
    const memory = this.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE));
    }
    if (this.bytes.buffer !== memory.buffer) {
      this.bytes = Buffer.from(memory.buffer);
      this.ints = new Int32Array(memory.buffer);
    }
    return at;
  }

  private place(): void {
    this.x.place(this.buckets, this.mask, this.starts, this.pool);
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
/** One FNV-1a step: the hash so far with one more code unit. */
const mix = (h: number, code: number): number => Math.imul(h ^ code, 0x01000193);

/** The hash the scan computes for a word (FNV-1a over its code units). */
export function hashOf(word: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < word.length; k++) h = mix(h, word.charCodeAt(k));
  return h;
}
