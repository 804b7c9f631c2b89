;; AdamW's update of one f32 chunk, four lanes at a time (WebAssembly SIMD, f32x4), in place on the
;; instance's own memory. The source of adamw-simd.wasm.ts: regenerate that module with
;; `pnpm --filter @repurpose/backend-onnx build:wasm` after editing this file (a test fails while
;; it is stale). Not the chunking, nor the copies in and out: adamw-kernel.ts does those.
;;
;; Every operation is an f32 operation in the order of the ONNX primitive chain (core's
;; decompositions/adamw.ts), so each intermediate is rounded to f32 where that chain rounds it:
;;   m1 = β1·m + (1 − β1)·g
;;   v1 = β2·v + ((1 − β2)·g)·g
;;   p1 = p·decay − (m1 / (√v1 / bc2Sqrt + eps))·stepSize
;; No fused multiply-add (core SIMD has none), no reciprocal in place of a division: either would
;; round differently.
(module
  ;; One page to start; the caller grows it to fit four chunks.
  (memory (export "memory") 1)

  ;; $bytes is the chunk's length in bytes, a multiple of 16 (the caller rounds up; lanes past the
  ;; chunk compute on whatever is there and are never copied out). $p, $m, $v, $g are 16-aligned.
  (func (export "adamw")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32) (param $bytes i32)
    (param $beta1 f32) (param $c1 f32) (param $beta2 f32) (param $c2 f32)
    (param $decay f32) (param $stepSize f32) (param $bc2Sqrt f32) (param $eps f32)
    (local $i i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $D v128) (local $S v128) (local $BC v128) (local $E v128)
    (local $gi v128) (local $m1 v128) (local $v1 v128)
    (local.set $B1 (f32x4.splat (local.get $beta1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $beta2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $D (f32x4.splat (local.get $decay)))
    (local.set $S (f32x4.splat (local.get $stepSize)))
    (local.set $BC (f32x4.splat (local.get $bc2Sqrt)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $i))))
        ;; m1 = β1·m + (1 − β1)·g
        (local.set $m1
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
            (f32x4.mul (local.get $gi) (local.get $C1))))
        ;; v1 = β2·v + ((1 − β2)·g)·g
        (local.set $v1
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
            (f32x4.mul (f32x4.mul (local.get $gi) (local.get $C2)) (local.get $gi))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $m1))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $v1))
        ;; p1 = p·decay − (m1 / (√v1 / bc2Sqrt + eps))·stepSize
        (v128.store (i32.add (local.get $p) (local.get $i))
          (f32x4.sub
            (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $i))) (local.get $D))
            (f32x4.mul
              (f32x4.div
                (local.get $m1)
                (f32x4.add (f32x4.div (f32x4.sqrt (local.get $v1)) (local.get $BC)) (local.get $E)))
              (local.get $S))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))))
