// The WebAssembly source of the sparse × dense product (csrTimesDenseRows in
// src/vectorize/sparse.ts), and the assembly of the project's modules (this one into
// src/vectorize/csr-wasm-bytes.ts, the word scanner of scripts/wasm-scan.js into
// src/text/scan-wasm-bytes.ts, k-means' distances of scripts/wasm-distances.js into
// src/cluster/distances-wasm-bytes.ts). Run `npm run wasm` after editing any of them; a test
// checks the committed bytes match the text.
//
// Both functions do what the TypeScript kernel does, in the same order, on two lanes of
// doubles at a time: per row, the kept entries (colOf >= 0) are gathered into scratch, then
// added four at a time, acc + v0·w0 + v1·w1 + v2·w2 + v3·w3 left to right, then one at a
// time. WebAssembly's f64x2 arithmetic is IEEE double per lane, with no fused multiply-add,
// so every output equals the TypeScript kernel's to the bit. `rows_f32` reads W as floats
// (promoted exactly, as a Float32Array read is), `rows_f64` as doubles.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabt from "wabt";
import { distancesWat } from "./wasm-distances.js";
import { scanWat } from "./wasm-scan.js";

/**
 * One row's accumulation: acc (k doubles, zeroed here) += sv[i] · W row at sc[i] for i < m,
 * four entries at a time, then one at a time. `f32`: W's elements are 4 bytes (else 8).
 */
function accumulateFunction(name, f32) {
  // W's byte offset of output column j (acc's byte offset j, 8 bytes a column)
  const wAt = (o) =>
    f32
      ? `(i32.add (local.get ${o}) (i32.shr_u (local.get $j) (i32.const 1)))`
      : `(i32.add (local.get ${o}) (local.get $j))`;
  const pair = (o) =>
    f32 ? `(f64x2.promote_low_f32x4 (v128.load64_zero ${wAt(o)}))` : `(v128.load ${wAt(o)})`;
  const one = (o) => (f32 ? `(f64.promote_f32 (f32.load ${wAt(o)}))` : `(f64.load ${wAt(o)})`);
  const lane = (v) => `(f64x2.extract_lane 0 (local.get ${v}))`;
  const acc = "(i32.add (local.get $acc) (local.get $j))";
  const at = (base, shift) =>
    `(i32.add (local.get ${base}) (i32.shl (local.get $i) (i32.const ${shift})))`;
  return `
  (func ${name} (param $acc i32) (param $m i32) (param $sc i32) (param $sv i32) (param $k i32)
    (local $i i32) (local $j i32) (local $k2b i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $a v128)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local.set $k2b (i32.shl (i32.and (local.get $k) (i32.const -2)) (i32.const 3)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
    (block $fourDone (loop $four
      (br_if $fourDone (i32.ge_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)))
      (local.set $v0 (v128.load64_splat ${at("$sv", 3)}))
      (local.set $v1 (v128.load64_splat offset=8 ${at("$sv", 3)}))
      (local.set $v2 (v128.load64_splat offset=16 ${at("$sv", 3)}))
      (local.set $v3 (v128.load64_splat offset=24 ${at("$sv", 3)}))
      (local.set $o0 (i32.load ${at("$sc", 2)}))
      (local.set $o1 (i32.load offset=4 ${at("$sc", 2)}))
      (local.set $o2 (i32.load offset=8 ${at("$sc", 2)}))
      (local.set $o3 (i32.load offset=12 ${at("$sc", 2)}))
      (local.set $j (i32.const 0))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $k2b)))
        (local.set $a (v128.load ${acc}))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $v0) ${pair("$o0")})))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $v1) ${pair("$o1")})))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $v2) ${pair("$o2")})))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $v3) ${pair("$o3")})))
        (v128.store ${acc} (local.get $a))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pairs)))
      ;; an odd k's last column
      (if (i32.and (local.get $k) (i32.const 1))
        (then
          (f64.store ${acc}
            (f64.add (f64.add (f64.add (f64.add (f64.load ${acc})
              (f64.mul ${lane("$v0")} ${one("$o0")}))
              (f64.mul ${lane("$v1")} ${one("$o1")}))
              (f64.mul ${lane("$v2")} ${one("$o2")}))
              (f64.mul ${lane("$v3")} ${one("$o3")})))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $four)))
    ;; the last entries, one at a time
    (block $oneDone (loop $ones
      (br_if $oneDone (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $v0 (v128.load64_splat ${at("$sv", 3)}))
      (local.set $o0 (i32.load ${at("$sc", 2)}))
      (local.set $j (i32.const 0))
      (block $pairDone (loop $pair
        (br_if $pairDone (i32.ge_u (local.get $j) (local.get $k2b)))
        (v128.store ${acc} (f64x2.add (v128.load ${acc}) (f64x2.mul (local.get $v0) ${pair("$o0")})))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pair)))
      (if (i32.and (local.get $k) (i32.const 1))
        (then
          (f64.store ${acc} (f64.add (f64.load ${acc}) (f64.mul ${lane("$v0")} ${one("$o0")})))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ones))))`;
}

/** The sparse product for W of 4-byte (`f32`) or 8-byte elements. */
function rowsFunction(name, f32, accumulate) {
  return `
  ;; rows [0, n) of X·W: ptr holds n + 1 entry offsets into ind (columns) and dat (values);
  ;; col maps a column to its row of W (-1: skipped; 0: no map); W has k columns; out gets
  ;; n rows of k doubles; sc and sv are scratch for the longest row
  (func (export "${name}")
    (param $n i32) (param $ptr i32) (param $ind i32) (param $dat i32) (param $col i32)
    (param $w i32) (param $k i32) (param $out i32) (param $sc i32) (param $sv i32)
    (local $r i32) (local $p i32) (local $e i32) (local $m i32) (local $c i32) (local $wb i32)
    (local.set $wb (i32.shl (local.get $k) (i32.const ${f32 ? 2 : 3})))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $p (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $e (i32.load offset=4 (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))))
      ;; gather: sc = byte address of the entry's row of W, sv = its value
      (local.set $m (i32.const 0))
      (block $gatherDone (loop $gather
        (br_if $gatherDone (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $c (i32.load (i32.add (local.get $ind) (i32.shl (local.get $p) (i32.const 2)))))
        (if (local.get $col)
          (then (local.set $c (i32.load (i32.add (local.get $col) (i32.shl (local.get $c) (i32.const 2)))))))
        (if (i32.ge_s (local.get $c) (i32.const 0))
          (then
            (i32.store (i32.add (local.get $sc) (i32.shl (local.get $m) (i32.const 2)))
              (i32.add (local.get $w) (i32.mul (local.get $c) (local.get $wb))))
            (f64.store (i32.add (local.get $sv) (i32.shl (local.get $m) (i32.const 3)))
              (f64.promote_f32 (f32.load (i32.add (local.get $dat) (i32.shl (local.get $p) (i32.const 2))))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $gather)))
      (call ${accumulate}
        (i32.add (local.get $out) (i32.mul (local.get $r) (i32.shl (local.get $k) (i32.const 3))))
        (local.get $m) (local.get $sc) (local.get $sv) (local.get $k))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))`;
}

/** The dense product: every entry of a row of A is kept, so a row of A is sv itself. */
function denseFunction(name, accumulate) {
  return `
  ;; rows [0, n) of A·B: A is n × m doubles at a, B's rows start at sc[0..m) (k doubles
  ;; each), out gets n rows of k doubles
  (func (export "${name}")
    (param $n i32) (param $a i32) (param $m i32) (param $sc i32) (param $k i32) (param $out i32)
    (local $r i32)
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $n)))
      (call ${accumulate}
        (i32.add (local.get $out) (i32.mul (local.get $r) (i32.shl (local.get $k) (i32.const 3))))
        (local.get $m) (local.get $sc)
        (i32.add (local.get $a) (i32.mul (local.get $r) (i32.shl (local.get $m) (i32.const 3))))
        (local.get $k))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))`;
}

/** The module's text. */
export function kernelsWat() {
  return `(module
  (import "env" "memory" (memory 1))${accumulateFunction("$acc_f32", true)}${accumulateFunction("$acc_f64", false)}${rowsFunction("rows_f32", true, "$acc_f32")}${rowsFunction("rows_f64", false, "$acc_f64")}${denseFunction("dense_f64", "$acc_f64")})
`;
}

/** The modules built from text here: each one's source, and the TypeScript module carrying it. */
export const MODULES = [
  {
    name: "csr-kernels",
    wat: kernelsWat,
    path: new URL("../src/vectorize/csr-wasm-bytes.ts", import.meta.url),
    constName: "CSR_KERNELS_WASM",
    about: "The sparse × dense product's WebAssembly module (see src/vectorize/csr-wasm.ts).",
  },
  {
    name: "scan",
    wat: scanWat,
    path: new URL("../src/text/scan-wasm-bytes.ts", import.meta.url),
    constName: "SCAN_WASM",
    about:
      "The word scanner's WebAssembly module (see src/text/scan.ts; source scripts/wasm-scan.js).",
  },
  {
    name: "distances",
    wat: distancesWat,
    path: new URL("../src/cluster/distances-wasm-bytes.ts", import.meta.url),
    constName: "DISTANCES_WASM",
    about:
      "k-means' squared distances in WebAssembly (see src/cluster/distances.ts; source scripts/wasm-distances.js).",
  },
];

/** A module's bytes, assembled by wabt (SIMD and bulk memory on). */
export async function assemble(m) {
  const w = await wabt();
  const features = { simd: true, bulk_memory: true };
  const module = w.parseWat(`${m.name}.wat`, m.wat(), features);
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that carries a module's bytes. */
export function bytesModule(bytes, m) {
  const b64 = Buffer.from(bytes).toString("base64");
  const lines = b64.match(/.{1,96}/g) ?? [];
  return `// Generated by scripts/wasm-kernels.js (npm run wasm) from the text there; do not edit.
// ${m.about}
export const ${m.constName} =
${lines.map((l) => `  "${l}"`).join(" +\n")};
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const m of MODULES) {
    const text = bytesModule(await assemble(m), m);
    const old = (() => {
      try {
        return readFileSync(m.path, "utf8");
      } catch {
        return "";
      }
    })();
    if (old !== text) writeFileSync(m.path, text);
    console.log(`${old === text ? "unchanged" : "wrote"} ${m.path.pathname}`);
  }
}
