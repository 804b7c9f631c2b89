/**
 * AdamW's update of an embedding table from its sparse gradient: the rows `updates[i]` that
 * scatterAdd would add at row `ids[i]` of a zero table, without making that table. Repeated ids
 * accumulate in doubles (as the reference's scatterAdd), then every row of the table is updated —
 * rows no id touched with g = 0, which is exactly the dense update: m ← β1·m, v ← β2·v, and p still
 * moves by its decay and its momentum. Why: the dense gradient of pythia-70m's [50,304 × 512] table is
 * 103 MB that ORT would zero, scatter into and copy out every step, for 2,560 rows of 512 numbers.
 */
import { GraphError } from '@repurpose/core/engine';
import type { AdamWScalars } from './adamw-kernel.js';

type Floats = Float32Array | Float64Array;

export function adamwSparseInPlace(p: Floats, m: Floats, v: Floats, ids: Int32Array, updates: Floats, width: number, s: AdamWScalars): void {
  const rows = p.length / width;
  const slot = new Int32Array(rows).fill(-1);
  let unique = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < rows)) throw new GraphError(`scatterAdd ids[${i}]`, id, `an id in [0, ${rows - 1}]`);
    if (slot[id] === -1) slot[id] = unique++;
  }
  const acc = new Float64Array(unique * width);
  for (let i = 0; i < ids.length; i++) {
    const at = slot[ids[i]!]! * width;
    for (let j = 0; j < width; j++) acc[at + j]! += updates[i * width + j]!;
  }
  const { decay, stepSize, bc2Sqrt, beta1, beta2, eps } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    const k = slot[r]!;
    if (k === -1) {
      for (let i = base; i < base + width; i++) {
        m[i] = beta1 * m[i]!;
        v[i] = beta2 * v[i]!;
        p[i] = p[i]! * decay - (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps)) * stepSize;
      }
    } else {
      // g rounded to the table's dtype first, as the dense gradient tensor would hold it.
      const gRow = p instanceof Float32Array ? Float32Array.from(acc.subarray(k * width, (k + 1) * width)) : acc.subarray(k * width, (k + 1) * width);
      for (let j = 0; j < width; j++) {
        const i = base + j;
        const gi = gRow[j]!;
        m[i] = beta1 * m[i]! + c1 * gi;
        v[i] = beta2 * v[i]! + c2 * gi * gi;
        p[i] = p[i]! * decay - (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps)) * stepSize;
      }
    }
  }
}
