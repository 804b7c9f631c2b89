/**
 * Rotary position embedding as GPT-NeoX applies it: on the first R = ⌊HS·rotary_pct⌋ dims of each
 * query and key head, frequencies θⱼ = base^(−2j/R) for j < R/2, positions 0..T−1, and Hugging
 * Face's rotate-half pairing (dim j with dim j + R/2, not GPT-J's interleaved pairs):
 *   x' = x·cos + rotate_half(x)·sin,  rotate_half(x1, x2) = (−x2, x1),  cos/sin = [cos(tθ), cos(tθ)].
 * The cos/sin tables are constants computed here in float64 (HF computes them in float32; the
 * difference is below f32 round-off).
 *
 * Shapes: B batch, NH heads, T tokens, HS head size, R rotary dims. Not a general RoPE library (no
 * scaling variants, no offsets for KV caches).
 */
import type { GraphBuilder, Tensor } from '../engine/builder.js';
import { GraphError } from '../engine/errors.js';

/** ⌊HS·rotary_pct⌋, as HF's `int(head_size * rotary_pct)`. */
export function rotaryDims(headSize: number, rotaryPct: number): number {
  const r = Math.trunc(headSize * rotaryPct);
  if (r % 2 !== 0) throw new GraphError('rotary dims (head size × rotary_pct)', r, 'an even number');
  return r;
}

/** cos and sin tables [T, R] for positions 0..T−1 (row-major). */
export function rotaryTables(T: number, R: number, base: number): { cos: number[]; sin: number[] } {
  const half = R / 2;
  const cos: number[] = [];
  const sin: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < R; j++) {
      const angle = t / base ** ((2 * (j % half)) / R);
      cos.push(Math.cos(angle));
      sin.push(Math.sin(angle));
    }
  }
  return { cos, sin };
}

/** A rotary applier for one sequence length: x [B, NH, T, HS] → [B, NH, T, HS]. */
export function rotaryEmbedding(b: GraphBuilder, T: number, headSize: number, rotaryPct: number, base: number): (x: Tensor) => Tensor {
  const R = rotaryDims(headSize, rotaryPct);
  if (R === 0) return (x) => x;
  const tables = rotaryTables(T, R, base);
  const cos = b.constant(tables.cos, [T, R]); //                                     [T, R]
  const sin = b.constant(tables.sin, [T, R]); //                                     [T, R]
  return (x) => {
    const xr = R === headSize ? x : b.sliceAxis(x, -1, 0, R); //                     [B, NH, T, R]
    const x1 = b.sliceAxis(xr, -1, 0, R / 2); //                                     [B, NH, T, R/2]
    const x2 = b.sliceAxis(xr, -1, R / 2, R); //                                     [B, NH, T, R/2]
    const rotated = b.concat([b.neg(x2), x1], -1); //                                [B, NH, T, R]
    const out = b.add(b.mul(xr, cos), b.mul(rotated, sin)); //                       [B, NH, T, R]
    if (R === headSize) return out;
    return b.concat([out, b.sliceAxis(x, -1, R, headSize)], -1); //                 [B, NH, T, HS]
  };
}
