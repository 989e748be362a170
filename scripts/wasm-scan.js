// The WebAssembly source of the word scanner (TokenTable in src/text/scan.ts),
// assembled with the other modules by scripts/wasm-kernels.js (`npm run wasm`).
//
// It does what the TypeScript scanner did, step for step: over a text's UTF-16 code units,
// words are runs of letters and digits joined by - ' ’ between two runs, each word's FNV-1a
// hash is taken over its code units as it is read, and the word is interned in an
// open-addressing table of (hash, id + 1) buckets whose words' code units sit end to end in a
// pool. Sentence ends are . ! ? ; : before white space or the end, or a blank line. The
// output is one int per word (its id) or -1 per sentence end. Where a letter or digit lies
// outside the Basic Multilingual Plane (a surrogate pair) the module asks JavaScript, which
// judges it with the same regular expression as before. `gather` then turns a scan's output
// into the caller's labels for the words (the analyzer's term ids), counting each word, so
// that JavaScript sees only new words.
//
// Memory, laid out by the caller: the character classes at 0 (one byte per BMP code unit:
// 1 word, 2 space, 3 joiner, 4 sentence end, 5 high surrogate, 0 other), then the buckets,
// the words' starts in the pool (per id, and one more), the pool, the text and the output,
// the words' labels and tallies, and the gathered labels, placed (and moved when they grow)
// by the caller, who tells the module where with `place` (gather's arrays: in its
// arguments). The class numbers are src/text/scan.ts's (it fills the table).

const WORD = 1;
const SPACE = 2;
const JOINER = 3;
const END = 4;
const HIGH = 5;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** u[i] (the text's code unit i) */
const unit = (i) => `(i32.load16_u (i32.add (local.get $t) (i32.shl ${i} (i32.const 1))))`;
const cls = (code) => `(i32.load8_u ${code})`;
const mix = (code) =>
  `(local.set $h (i32.mul (i32.xor (local.get $h) ${code}) (i32.const ${FNV_PRIME})))`;
const emit = (value) => `
          (i32.store (local.get $o) ${value})
          (local.set $o (i32.add (local.get $o) (i32.const 4)))`;

/**
 * 1 when id s - 1's word (in the pool) is the len code units at q, else 0: lengths first, then
 * the code units four at a time (8 bytes; the whole scan of the 143k abstracts took 4-10 %
 * less time than comparing one at a time), then one at a time.
 */
const same = `(block $same (result i32)
            (local.set $at (i32.load
              (i32.add (global.get $starts) (i32.shl (i32.sub (local.get $s) (i32.const 1)) (i32.const 2)))))
            (if (i32.ne
                  (i32.sub (i32.load (i32.add (global.get $starts) (i32.shl (local.get $s) (i32.const 2))))
                           (local.get $at))
                  (local.get $len))
              (then (br $same (i32.const 0))))
            (local.set $p (i32.add (global.get $pool) (i32.shl (local.get $at) (i32.const 1))))
            (local.set $k (i32.const 0))
            (block $differ
              (block $fourDone (loop $four
                (br_if $fourDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $len)))
                (br_if $differ (i64.ne
                  (i64.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 1))))
                  (i64.load (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 1))))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $four)))
              (loop $compare
                (br_if $differ (i32.ge_u (local.get $k) (local.get $len)))
                (br_if $differ (i32.ne
                  (i32.load16_u (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 1))))
                  (i32.load16_u (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 1))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $compare)))
            (i32.eq (local.get $k) (local.get $len)))`;

/** The module's text. */
export function scanWat() {
  return `(module
  ;; (high, low) code units of a surrogate pair: 2 when it is a letter or digit, else 0
  (import "env" "astral" (func $astral (param i32 i32) (result i32)))
  (import "env" "memory" (memory 2))
  (global $buckets (mut i32) (i32.const 0))
  (global $mask (mut i32) (i32.const 0))
  (global $starts (mut i32) (i32.const 0))
  (global $pool (mut i32) (i32.const 0))
  ;; words interned, and code units used in the pool
  (global $count (mut i32) (i32.const 0))
  (global $used (mut i32) (i32.const 0))

  (func (export "place") (param $buckets i32) (param $mask i32) (param $starts i32) (param $pool i32)
    (global.set $buckets (local.get $buckets))
    (global.set $mask (local.get $mask))
    (global.set $starts (local.get $starts))
    (global.set $pool (local.get $pool)))
  (func (export "count") (result i32) (global.get $count))
  (func (export "used") (result i32) (global.get $used))

  ;; code units of the word character at i (1, or 2 for a surrogate pair), 0 if none
  (func $wordAt (param $t i32) (param $n i32) (param $i i32) (result i32)
    (local $code i32) (local $c i32)
    (local.set $code ${unit("(local.get $i)")})
    (local.set $c ${cls("(local.get $code)")})
    (if (i32.eq (local.get $c) (i32.const ${WORD})) (then (return (i32.const 1))))
    (if (i32.and (i32.eq (local.get $c) (i32.const ${HIGH}))
                 (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
      (then (return (call $astral (local.get $code) ${unit("(i32.add (local.get $i) (i32.const 1))")}))))
    (i32.const 0))

  ;; the id of the word t[start, end) with hash h, interned when new (ids dense, in order)
  (func $intern (export "intern") (param $t i32) (param $start i32) (param $end i32) (param $h i32) (result i32)
    (local $b i32) (local $s i32) (local $len i32) (local $at i32) (local $k i32)
    (local $p i32) (local $q i32) (local $slot i32)
    (local.set $len (i32.sub (local.get $end) (local.get $start)))
    (local.set $q (i32.add (local.get $t) (i32.shl (local.get $start) (i32.const 1))))
    (local.set $b (i32.and (local.get $h) (global.get $mask)))
    (loop $probe
      (local.set $slot (i32.add (global.get $buckets) (i32.shl (local.get $b) (i32.const 3))))
      (local.set $s (i32.load offset=4 (local.get $slot)))
      (if (i32.eqz (local.get $s)) (then
        ;; new: its code units to the pool, its start and bucket
        (local.set $at (global.get $used))
        (memory.copy
          (i32.add (global.get $pool) (i32.shl (local.get $at) (i32.const 1)))
          (local.get $q)
          (i32.shl (local.get $len) (i32.const 1)))
        (global.set $used (i32.add (local.get $at) (local.get $len)))
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (i32.store
          (i32.add (global.get $starts) (i32.shl (global.get $count) (i32.const 2)))
          (global.get $used))
        (i32.store (local.get $slot) (local.get $h))
        (i32.store offset=4 (local.get $slot) (global.get $count))
        (return (i32.sub (global.get $count) (i32.const 1)))))
      (if (i32.eq (i32.load (local.get $slot)) (local.get $h)) (then
        (if ${same} (then (return (i32.sub (local.get $s) (i32.const 1)))))))
      (local.set $b (i32.and (i32.add (local.get $b) (i32.const 1)) (global.get $mask)))
      (br $probe))
    (unreachable))

  ;; scans the n code units at t: ids and sentence ends (-1) to out; returns how many
  (func (export "scan") (param $t i32) (param $n i32) (param $out i32) (result i32)
    (local $i i32) (local $o i32) (local $code i32) (local $step i32) (local $start i32)
    (local $h i32) (local $j i32)
    (local.set $o (local.get $out))
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $step (call $wordAt (local.get $t) (local.get $n) (local.get $i)))
      (if (local.get $step) (then
        (local.set $start (local.get $i))
        (local.set $h (i32.const ${FNV_OFFSET}))
        (block $wordDone (loop $runs
          ;; an alphanumeric run
          (block $runDone (loop $run
            ${mix(unit("(local.get $i)"))}
            (if (i32.eq (local.get $step) (i32.const 2))
              (then ${mix(unit("(i32.add (local.get $i) (i32.const 1))"))}))
            (local.set $i (i32.add (local.get $i) (local.get $step)))
            (br_if $runDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $step
              (if (result i32) (i32.eq ${cls(unit("(local.get $i)"))} (i32.const ${WORD}))
                (then (i32.const 1))
                (else (call $wordAt (local.get $t) (local.get $n) (local.get $i)))))
            (br_if $run (local.get $step))))
          ;; a joiner between two runs keeps the word going
          (br_if $wordDone (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
          (br_if $wordDone (i32.ne ${cls(unit("(local.get $i)"))} (i32.const ${JOINER})))
          (local.set $step
            (call $wordAt (local.get $t) (local.get $n) (i32.add (local.get $i) (i32.const 1))))
          (br_if $wordDone (i32.eqz (local.get $step)))
          ${mix(unit("(local.get $i)"))}
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $runs)))${emit("(call $intern (local.get $t) (local.get $start) (local.get $i) (local.get $h))")}
        (br $top)))
      (local.set $code ${unit("(local.get $i)")})
      (if (i32.eq ${cls("(local.get $code)")} (i32.const ${END}))
        (then
          (if (i32.or
                (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
                (i32.eq ${cls(unit("(i32.add (local.get $i) (i32.const 1))"))} (i32.const ${SPACE})))
            (then${emit("(i32.const -1)")})))
        (else
          (if (i32.eq (local.get $code) (i32.const 10))
            (then
              ;; a blank line: this newline, white space, another newline
              (local.set $j (i32.add (local.get $i) (i32.const 1)))
              (block $blankDone (loop $blank
                (br_if $blankDone (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $code ${unit("(local.get $j)")})
                (br_if $blankDone (i32.ne ${cls("(local.get $code)")} (i32.const ${SPACE})))
                (if (i32.eq (local.get $code) (i32.const 10))
                  (then${emit("(i32.const -1)")}
                    (br $blankDone)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $blank)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 2)))

  ;; a scan's k outputs at out, as labels after the n ints at dst: each word adds one to its
  ;; tally and, when its label is >= 0, appends the label; a sentence end appends \`boundary\`
  ;; when labels came since the text's start or the last boundary, and so does the text's
  ;; end. Returns how many ints dst holds.
  (func (export "gather") (param $out i32) (param $k i32) (param $labels i32) (param $tally i32)
      (param $dst i32) (param $n i32) (param $boundary i32) (result i32)
    (local $j i32) (local $id i32) (local $v i32) (local $at i32) (local $before i32)
    (local.set $before (local.get $n))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
      (local.set $id (i32.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (if (i32.ge_s (local.get $id) (i32.const 0))
        (then
          (local.set $at (i32.add (local.get $tally) (i32.shl (local.get $id) (i32.const 2))))
          (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
          (local.set $v (i32.load (i32.add (local.get $labels) (i32.shl (local.get $id) (i32.const 2)))))
          (if (i32.ge_s (local.get $v) (i32.const 0)) (then
            (i32.store (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))) (local.get $v))
            (local.set $n (i32.add (local.get $n) (i32.const 1))))))
        (else
          (if (i32.gt_u (local.get $n) (local.get $before)) (then
            (i32.store (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))) (local.get $boundary))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $before (local.get $n))))))
      (br $each)))
    (if (i32.gt_u (local.get $n) (local.get $before)) (then
      (i32.store (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))) (local.get $boundary))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))))
    (local.get $n)))
`;
}
