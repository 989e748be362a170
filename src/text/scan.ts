/**
 * The hot path of the text stage: a single scan over a text's UTF-16 code units that finds
 * the words natural's RegexpTokenizer finds with the project's pattern
 * (`[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*`) and the sentence ends the analyzer splits on
 * (`[.!?;:]` before white space or the end, or a blank line), and interns each word by its
 * code units in an open-addressing table, so a repeated word costs a hash and a comparison:
 * no substring, no regular expression, no Map lookup. The scan and the table are WebAssembly
 * (scripts/wasm-scan.js): the text is copied into the module's memory (one native call) and
 * the ids come back in an array. On the 143k abstracts it took 0.6 of the time the same scan
 * took in TypeScript (which it replaces; same ids). natural's tokenizer stays the reference:
 * a test checks the two agree on the bundled corpora.
 */
import { SCAN_WASM } from "./scan-wasm-bytes.js";

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

/** What is used of the WebAssembly API (its types come with the DOM library, not Node's). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  place(buckets: number, mask: number, starts: number, pool: number): void;
  count(): number;
  used(): number;
  intern(t: number, start: number, end: number, hash: number): number;
  scan(t: number, n: number, out: number): number;
}

let scanModule: object | null = null;
const PAGE = 1 << 16;
const HIGH = 5;

/**
 * Interned raw tokens: code units → id, in WebAssembly (scripts/wasm-scan.js). Each bucket
 * holds the word's hash beside its id, and the words' code units sit end to end in one pool,
 * so a probe reads one bucket and compares against contiguous memory. Each table has its own
 * instance and memory: the character classes at 0, then the buckets, the words' starts, the
 * pool, the text being scanned and the scan's output, each moved to the end of the memory
 * (which grows) when it needs more room. `words` holds each id's word as a string, made when
 * the word is first seen.
 */
export class TokenTable {
  readonly words: string[] = [];
  private readonly x: ScanExports;
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

  constructor() {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    scanModule ??= new wasm.Module(Buffer.from(SCAN_WASM, "base64"));
    const env = { astral: (hi: number, lo: number) => astralWordLength(hi, lo) };
    this.x = new wasm.Instance(scanModule, { env }).exports as ScanExports;
    this.buckets = this.take((this.mask + 1) * 8);
    this.starts = this.take(this.startsRoom * 4);
    this.pool = this.take(this.poolRoom * 2);
    this.text = this.take(this.textRoom * 2);
    this.out = this.take((this.textRoom + 1) * 4);
    const classes = new Uint8Array(this.x.memory.buffer, 0, PAGE);
    classes.set(charClasses());
    classes.fill(HIGH, 0xd800, 0xdc00);
    this.place();
  }

  get size(): number {
    return this.words.length;
  }

  /**
   * Scans a text (see `scanText`): returns how many ids and sentence ends (-1) the scan wrote
   * to `output()`.
   */
  scan(text: string): number {
    const n = text.length;
    this.reserve(n);
    this.bytes.write(text, this.text, 2 * n, "utf16le");
    const k = this.x.scan(this.text, n, this.out);
    this.named();
    return k;
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
   * and at most n + 1 outputs.
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
      const at = this.take(room * 4);
      this.bytes.copy(this.bytes, at, this.starts, this.starts + (count + 1) * 4);
      this.starts = at;
      this.startsRoom = room;
      moved = true;
    }
    if (used + n > this.poolRoom) {
      const room = Math.max(used + n, this.poolRoom * 2);
      const at = this.take(room * 2);
      this.bytes.copy(this.bytes, at, this.pool, this.pool + used * 2);
      this.pool = at;
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
    const memory = this.x.memory;
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

/** The hash `scanText` computes for a word (FNV-1a over its code units). */
export function hashOf(word: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < word.length; k++) h = mix(h, word.charCodeAt(k));
  return h;
}

/**
 * Scans a text: calls `word(id)` for each word (interned in `table`) and `sentence()` at each
 * sentence end. Words never span a sentence end (the end characters are not word characters).
 */
export function scanText(
  text: string,
  table: TokenTable,
  word: (id: number) => void,
  sentence: () => void,
): void {
  const k = table.scan(text);
  const out = table.output(k);
  for (let j = 0; j < k; j++) {
    const id = out[j] as number;
    if (id >= 0) word(id);
    else sentence();
  }
}
