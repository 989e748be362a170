/**
 * The hot path of the text stage: a single scan over a text's UTF-16 code units that finds
 * the words natural's RegexpTokenizer finds with the project's pattern
 * (`[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*`) and the sentence ends the analyzer splits on
 * (`[.!?;:]` before white space or the end, or a blank line), and interns each word by its
 * code units in an open-addressing table, so a repeated word costs a hash and a comparison:
 * no substring, no regular expression, no Map lookup. The code units are read from a typed
 * array the text is first copied into (one native call): `charCodeAt` checks the string's
 * representation at every call, and the scan took a fifth longer with it. natural's tokenizer
 * stays the reference: a test checks the two agree on the bundled corpora.
 */

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
/** Whether the code point at i (a surrogate pair) is a letter or digit; 0 if not a pair. */
function astralWordLength(u: Uint16Array, n: number, i: number): number {
  const hi = u[i] as number;
  if (hi < 0xd800 || hi > 0xdbff || i + 1 >= n) return 0;
  const lo = u[i + 1] as number;
  if (lo < 0xdc00 || lo > 0xdfff) return 0;
  const cp = (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
  let w = astral.get(cp);
  if (w === undefined) {
    w = /[\p{L}\p{N}]/u.test(String.fromCodePoint(cp));
    astral.set(cp, w);
  }
  return w ? 2 : 0;
}

/** Code units of the word character at i (1, or 2 for a surrogate pair), 0 if none. */
function wordAt(c: Uint8Array, u: Uint16Array, n: number, i: number): number {
  const code = u[i] as number;
  if (c[code] === WORD) return 1;
  return code >= 0xd800 && code <= 0xdbff ? astralWordLength(u, n, i) : 0;
}

/** V8 copies a substring shorter than this; a longer one is a view into its string. */
const SLICE_MIN = 13;
/** Code units passed to one String.fromCharCode call (well below the engine's argument limit). */
const COPY_CHUNK = 4096;

/** A new string of the code units u[start, end): not a view into any other string. */
function copyOf(u: Uint16Array, start: number, end: number): string {
  if (end - start <= COPY_CHUNK) return String.fromCharCode(...u.subarray(start, end));
  let s = "";
  for (let i = start; i < end; i += COPY_CHUNK)
    s += String.fromCharCode(...u.subarray(i, Math.min(end, i + COPY_CHUNK)));
  return s;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let scratch = Buffer.alloc(1 << 16);
let scratchUnits = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);

/** A text's UTF-16 code units, in a buffer reused from call to call (valid until the next). */
function codeUnits(text: string): Uint16Array {
  const n = text.length;
  if (n > scratchUnits.length) {
    scratch = Buffer.alloc(Math.max(2 * n, 2 * scratch.length));
    scratchUnits = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);
  }
  // utf16le copies the code units as they are (lone surrogates too)
  if (littleEndian) scratch.write(text, 0, 2 * n, "utf16le");
  else for (let i = 0; i < n; i++) scratchUnits[i] = text.charCodeAt(i);
  return scratchUnits;
}

/**
 * Interned raw tokens: code units → id. Each bucket holds the word's hash beside its id, and
 * the words' code units sit end to end in one pool, so a probe reads one bucket and compares
 * against contiguous memory (no string objects touched: a third of the scan's time before).
 */
export class TokenTable {
  /** per bucket: hash, id + 1 (0: empty) */
  private buckets = new Int32Array(2 << 14);
  private mask = (1 << 14) - 1;
  private pool = new Uint16Array(1 << 16);
  private used = 0;
  /** per id: where its code units start in the pool (the next id's start ends them) */
  private start = new Int32Array(1 << 13);
  readonly words: string[] = [];

  get size(): number {
    return this.words.length;
  }

  /**
   * The id of the word whose code units are u[start, end) (`text`'s, which `u` holds), interning
   * it when new (ids are dense, in order of first sight).
   */
  intern(u: Uint16Array, text: string, start: number, end: number, hash: number): number {
    if ((this.words.length + 1) * 2 > this.mask + 1) this.grow();
    const mask = this.mask;
    const buckets = this.buckets;
    const len = end - start;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const s = buckets[2 * b + 1] as number;
      if (s === 0) return this.add(u, text, start, end, hash, b);
      if (buckets[2 * b] !== hash) continue;
      const at = this.start[s - 1] as number;
      if ((this.start[s] as number) - at !== len) continue;
      const pool = this.pool;
      let k = 0;
      while (k < len && pool[at + k] === u[start + k]) k++;
      if (k === len) return s - 1;
    }
  }

  /** The id of a word given as a string (interned when new). */
  internWord(word: string): number {
    return this.intern(codeUnits(word), word, 0, word.length, hashOf(word));
  }

  private add(
    u: Uint16Array,
    text: string,
    start: number,
    end: number,
    hash: number,
    b: number,
  ): number {
    const id = this.words.length;
    const len = end - start;
    // a copy of the word's code units, not `text.slice`: V8 makes a slice of 13 or more
    // characters a view that keeps the whole text alive, and the words (through the terms and
    // their display forms) live to the end of the run, long after the texts are let go
    this.words.push(len < SLICE_MIN ? text.slice(start, end) : copyOf(u, start, end));
    if (id + 1 >= this.start.length) {
      const st = new Int32Array(this.start.length * 2);
      st.set(this.start);
      this.start = st;
    }
    if (this.used + len > this.pool.length) {
      const p = new Uint16Array(Math.max(this.pool.length * 2, this.used + len));
      p.set(this.pool.subarray(0, this.used));
      this.pool = p;
    }
    this.pool.set(u.subarray(start, end), this.used);
    this.used += len;
    this.start[id + 1] = this.used;
    this.buckets[2 * b] = hash;
    this.buckets[2 * b + 1] = id + 1;
    return id;
  }

  private grow(): void {
    const old = this.buckets;
    const size = (this.mask + 1) * 2;
    const buckets = new Int32Array(size * 2);
    const mask = size - 1;
    for (let o = 0; o < old.length; o += 2) {
      if (old[o + 1] === 0) continue;
      const h = old[o] as number;
      let b = h & mask;
      while (buckets[2 * b + 1] !== 0) b = (b + 1) & mask;
      buckets[2 * b] = h;
      buckets[2 * b + 1] = old[o + 1] as number;
    }
    this.buckets = buckets;
    this.mask = mask;
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
  const c = charClasses();
  const n = text.length;
  const u = codeUnits(text);
  let i = 0;
  while (i < n) {
    let step = wordAt(c, u, n, i);
    if (step > 0) {
      const start = i;
      let h = FNV_OFFSET;
      for (;;) {
        // an alphanumeric run: one code unit at a time in the common case, written out (a
        // general loop over `step` units costs half again the whole scan)
        for (;;) {
          h = mix(h, u[i] as number);
          if (step === 2) h = mix(h, u[i + 1] as number);
          i += step;
          if (i >= n) break;
          const next = u[i] as number;
          step = c[next] === WORD ? 1 : wordAt(c, u, n, i);
          if (step === 0) break;
        }
        // a joiner between two runs keeps the word going
        if (i + 1 < n && c[u[i] as number] === JOINER) {
          step = wordAt(c, u, n, i + 1);
          if (step > 0) {
            h = mix(h, u[i] as number);
            i += 1;
            continue;
          }
        }
        break;
      }
      word(table.intern(u, text, start, i, h));
      continue;
    }
    const code = u[i] as number;
    if (c[code] === END) {
      if (i + 1 >= n || c[u[i + 1] as number] === SPACE) sentence();
    } else if (code === 0x0a) {
      // a blank line: this newline, white space, another newline
      let j = i + 1;
      while (j < n && c[u[j] as number] === SPACE) {
        if (u[j] === 0x0a) {
          sentence();
          break;
        }
        j++;
      }
    }
    i++;
  }
}
