import PorterStemmer from "natural/lib/natural/stemmers/porter_stemmer.js";

/**
 * natural's English Porter stemmer (`natural/lib/natural/stemmers/porter_stemmer.js`), step for
 * step, on character codes instead of regular expressions. It gives natural's output for every
 * word, quirks included: natural's version differs from Porter's paper in places (its measure
 * can be a half, step 2 applies every rule whose test passes rather than the first, step 4 takes
 * the longest suffix), and the text stage's terms must stay natural's. natural's own
 * `PorterStemmer.stem` built the regular expressions anew and categorised the word again for
 * every rule: about 3.2 µs a word, 0.9 s for the 283k distinct words of the 143k arXiv file,
 * against 0.19 s here. test/text/porter.test.ts compares the two on every word of that file and
 * of the bundled Hugging Face archive, and on 300,000 random words made to reach each rule.
 * Words with a line break inside (the tokenizer never makes them; `.` in natural's expressions
 * stops at one) go to natural's stemmer itself.
 */

const OTHER = 0;
const VOWEL = 1;
const Y = 2;
const LINE = 3;

/** A code unit's kind, as natural's expressions see it: a, e, i, o, u; y; a line end; other. */
const KIND = new Uint8Array(65536);
for (const c of "aeiou") KIND[c.charCodeAt(0)] = VOWEL;
KIND["y".charCodeAt(0)] = Y;
for (const c of [0x0a, 0x0d, 0x2028, 0x2029]) KIND[c] = LINE;

const kind = (s: string, i: number): number => KIND[s.charCodeAt(i)] as number;

const GROUP_C = 1;
const GROUP_V = 2;
/** natural's `categorizeGroups` of the last word measured, one code per group (GROUP_C, GROUP_V) */
let groupBuf = new Uint8Array(64);

/**
 * natural's `categorizeGroups(s.slice(0, end))` into `groupBuf`; returns its length. natural
 * replaces a run of consonants followed by a y with "CV", then each run of vowels with "V", then
 * each run of anything else with "C": so two C groups never touch but two V groups can (a
 * consonant-y pair followed by vowels).
 */
function groups(s: string, end: number): number {
  if (groupBuf.length < end) groupBuf = new Uint8Array(2 * end);
  const g = groupBuf;
  let n = 0;
  let i = 0;
  while (i < end) {
    const k = kind(s, i);
    if (k === VOWEL) {
      while (i < end && kind(s, i) === VOWEL) i++;
      g[n++] = GROUP_V;
    } else if (k === Y) {
      // a y after a vowel, a y or the start is a consonant
      if (n === 0 || g[n - 1] !== GROUP_C) g[n++] = GROUP_C;
      i++;
    } else {
      let j = i + 1;
      while (j < end && kind(s, j) !== VOWEL && kind(s, j) !== Y) j++;
      if (n === 0 || g[n - 1] !== GROUP_C) g[n++] = GROUP_C;
      if (j < end && kind(s, j) === Y) {
        g[n++] = GROUP_V;
        i = j + 1;
      } else i = j;
    }
  }
  return n;
}

/**
 * Twice natural's `measure(s.slice(0, end))`: the groups without a leading C and a trailing V,
 * counted (natural halves the count, so its measure can be a half); -2 for an empty word.
 */
function measure2(s: string, end: number): number {
  if (end === 0) return -2;
  const n = groups(s, end);
  const a = groupBuf[0] === GROUP_C ? 1 : 0;
  const b = n > a && groupBuf[n - 1] === GROUP_V ? n - 1 : n;
  return b - a;
}

/**
 * Whether natural's `categorizeChars` gives C for the code unit at i (V: a vowel, or a y after a
 * consonant).
 */
function consonantAt(s: string, i: number): boolean {
  const k = kind(s, i);
  if (k === VOWEL) return false;
  if (k === Y) return i === 0 || kind(s, i - 1) !== OTHER;
  return true;
}

/** natural's `categorizeChars(s).substr(i, 3) === "CVC"`, for 0 <= i and i + 3 <= s.length. */
function cvcAt(s: string, i: number): boolean {
  return consonantAt(s, i) && !consonantAt(s, i + 1) && consonantAt(s, i + 2);
}

/** Whether the last code unit is one of `set`'s. */
const lastOneOf = (s: string, set: string): boolean => set.includes(s.charAt(s.length - 1));

function step1a(w: string): string {
  if (w.endsWith("sses") || w.endsWith("ies")) return w.slice(0, -2);
  const n = w.length;
  if (w.endsWith("s") && w.charAt(n - 2) !== "s" && n > 2) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  const n = w.length;
  if (w.endsWith("eed")) return measure2(w, n - 3) > 0 ? w.slice(0, -1) : w;
  const cut = w.endsWith("ed") ? 2 : w.endsWith("ing") ? 3 : 0;
  if (cut === 0 || cut === n) return w;
  const s = w.slice(0, n - cut);
  const g = groups(s, s.length);
  if (!groupBuf.subarray(0, g).includes(GROUP_V)) return w;
  if (s.endsWith("at") || s.endsWith("bl") || s.endsWith("iz")) return s + "e";
  const m = s.length;
  if (
    m >= 2 &&
    s.charCodeAt(m - 1) === s.charCodeAt(m - 2) &&
    kind(s, m - 1) !== VOWEL &&
    !lastOneOf(s, "lsz")
  ) {
    return s.slice(0, -1);
  }
  if (m >= 3 && measure2(s, m) === 2 && cvcAt(s, m - 3) && !lastOneOf(s, "wxy")) return s + "e";
  return s;
}

function step1c(w: string): string {
  if (!w.endsWith("y")) return w;
  const n = groups(w, w.length);
  return groupBuf.subarray(0, n - 1).includes(GROUP_V) ? w.slice(0, -1) + "i" : w;
}

type Rules = readonly (readonly [string, string])[];

const STEP2: Rules = [
  ["ational", "ate"],
  ["tional", "tion"],
  ["enci", "ence"],
  ["anci", "ance"],
  ["izer", "ize"],
  ["abli", "able"],
  ["bli", "ble"],
  ["alli", "al"],
  ["entli", "ent"],
  ["eli", "e"],
  ["ousli", "ous"],
  ["ization", "ize"],
  ["ation", "ate"],
  ["ator", "ate"],
  ["alism", "al"],
  ["iveness", "ive"],
  ["fulness", "ful"],
  ["ousness", "ous"],
  ["aliti", "al"],
  ["iviti", "ive"],
  ["biliti", "ble"],
  ["logi", "log"],
];

const STEP3: Rules = [
  ["icate", "ic"],
  ["ative", ""],
  ["alize", "al"],
  ["iciti", "ic"],
  ["ical", "ic"],
  ["ful", ""],
  ["ness", ""],
];

/**
 * natural's `replacePatterns(w, rules, 0)`: every rule whose suffix the word ends with, leaving a
 * stem of positive measure, rewrites the result so far if that still ends with the suffix.
 */
function applyRules(w: string, rules: Rules): string {
  let out = w;
  for (const [suffix, by] of rules) {
    const cut = w.length - suffix.length;
    if (cut > 0 && w.endsWith(suffix) && measure2(w, cut) > 0 && out.endsWith(suffix)) {
      const next = out.slice(0, out.length - suffix.length) + by;
      if (next !== "") out = next;
    }
  }
  return out;
}

const STEP4 = [
  "al",
  "ance",
  "ence",
  "er",
  "ic",
  "able",
  "ible",
  "ant",
  "ement",
  "ment",
  "ent",
  "ou",
  "ism",
  "ate",
  "iti",
  "ous",
  "ive",
  "ize",
].sort((a, b) => b.length - a.length);

function step4(w: string): string {
  const n = w.length;
  // natural's /^(.+?)(al|ance|...)$/: the shortest stem of at least one unit, so the longest suffix
  for (const suffix of STEP4) {
    if (suffix.length < n && w.endsWith(suffix)) {
      if (measure2(w, n - suffix.length) > 2) return w.slice(0, n - suffix.length);
      break;
    }
  }
  // /^(.+?)(s|t)(ion)$/, keeping the s or t
  if (n >= 5 && w.endsWith("ion") && "st".includes(w.charAt(n - 4))) {
    if (measure2(w, n - 3) > 2) return w.slice(0, n - 3);
  }
  return w;
}

function step5a(w: string): string {
  const n = w.length;
  if (!w.endsWith("e")) return w;
  const m = measure2(w, n - 1);
  if (m > 2) return w.slice(0, -1);
  if (m !== 2) return w;
  // natural's categorizeChars(w).substr(-4, 3): from 0 when the word is shorter than four
  const cvc = n >= 4 ? cvcAt(w, n - 4) : n === 3 && cvcAt(w, 0);
  const notWxy = n >= 2 && !"wxy".includes(w.charAt(n - 2));
  return cvc && notWxy ? w : w.slice(0, -1);
}

function step5b(w: string): string {
  return w.endsWith("ll") && measure2(w, w.length) > 2 ? w.slice(0, -1) : w;
}

/** natural's `PorterStemmer.stem(token)`, the same string for every input. */
export function porterStem(token: string): string {
  if (token.length < 3) return token;
  const w = token.toLowerCase();
  for (let i = 0; i < w.length; i++) if (kind(w, i) === LINE) return PorterStemmer.stem(token);
  return step5b(step5a(step4(applyRules(applyRules(step1c(step1b(step1a(w))), STEP2), STEP3))));
}
