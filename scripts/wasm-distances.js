// The WebAssembly source of k-means' squared distances (sqDist in src/cluster/kmeans.ts),
// assembled with the other modules by scripts/wasm-kernels.js (`npm run wasm`).
//
// `sq` does what the TypeScript sqDist does, in the same order, on two lanes of doubles at a
// time: four running sums s0..s3 over the coordinates taken four at a time (lanes (s0, s1)
// and (s2, s3)), each adding t·t for t = x[j] − c[j]; the coordinates past the last four go
// into s0; the result is ((s0 + s1) + s2) + s3. WebAssembly's f64x2 arithmetic is IEEE
// double per lane, with no fused multiply-add, so every distance equals the TypeScript one
// to the bit. `all` fills a row-major n × k table with the distances of n points (end to
// end at xs) to k centroids (end to end at c). Every address is a byte offset into the
// module's memory, laid out by the caller (src/cluster/distances.ts).

/** The module's text. */
export function distancesWat() {
  const at = (base, off) => `(i32.add (local.get ${base}) (local.get ${off}))`;
  return `(module
  (import "env" "memory" (memory 1))
  (func $sq (export "sq") (param $x i32) (param $c i32) (param $d i32) (result f64)
    (local $j i32) (local $end4 i32) (local $end i32) (local $s01 v128) (local $s23 v128)
    (local $t v128) (local $s0 f64) (local $u f64)
    ;; bytes of the coordinates taken four at a time, and of all of them
    (local.set $end4 (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $d) (i32.const 3)))
    (block $fourDone (loop $four
      (br_if $fourDone (i32.ge_u (local.get $j) (local.get $end4)))
      (local.set $t (f64x2.sub (v128.load ${at("$x", "$j")}) (v128.load ${at("$c", "$j")})))
      (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $t
        (f64x2.sub (v128.load offset=16 ${at("$x", "$j")}) (v128.load offset=16 ${at("$c", "$j")})))
      (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $t) (local.get $t))))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br $four)))
    ;; the last coordinates, one at a time, into s0
    (local.set $s0 (f64x2.extract_lane 0 (local.get $s01)))
    (block $oneDone (loop $one
      (br_if $oneDone (i32.ge_u (local.get $j) (local.get $end)))
      (local.set $u (f64.sub (f64.load ${at("$x", "$j")}) (f64.load ${at("$c", "$j")})))
      (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $u) (local.get $u))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $one)))
    (f64.add
      (f64.add
        (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $s01)))
        (f64x2.extract_lane 0 (local.get $s23)))
      (f64x2.extract_lane 1 (local.get $s23))))
  (func (export "all")
    (param $xs i32) (param $n i32) (param $c i32) (param $k i32) (param $d i32) (param $out i32)
    (local $i i32) (local $j i32) (local $row i32) (local $cen i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $row (local.get $xs))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (local.set $cen (local.get $c))
      (block $centroidsDone (loop $centroids
        (br_if $centroidsDone (i32.ge_u (local.get $j) (local.get $k)))
        (f64.store (local.get $out) (call $sq (local.get $row) (local.get $cen) (local.get $d)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $cen (i32.add (local.get $cen) (local.get $bytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $centroids)))
      (local.set $row (i32.add (local.get $row) (local.get $bytes)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))
)
`;
}
