/**
 * AdamW's update of an embedding table from its sparse gradient: the rows `updates[i]` that
 * scatterAdd would add at row `ids[i]` of a zero table, without ORT making that table. Repeated ids
 * accumulate in doubles (as the reference's scatterAdd); the sums are written into `scratch`, a
 * zero array of the table's size the caller keeps between steps; the dense kernel (adamw-kernel.ts,
 * SIMD for f32) then updates every row — rows no id touched with g = 0, which is exactly the dense
 * update: m ← β1·m, v ← β2·v, and p still moves by its decay and momentum — and the touched rows of
 * `scratch` are zeroed again. Why: ORT would zero, scatter into and copy out the dense gradient of
 * pythia-70m's [50,304 × 512] table (103 MB) every step for 2,560 rows of 512 numbers.
 */
import { GraphError } from '@repurpose/core/engine';
import { adamwInPlace, type AdamWScalars } from './adamw-kernel.js';

type Floats = Float32Array | Float64Array;

export function adamwSparseInPlace(p: Floats, m: Floats, v: Floats, ids: Int32Array, updates: Floats, width: number, s: AdamWScalars, scratch: Floats): void {
  const rows = p.length / width;
  if (scratch.length !== p.length) throw new GraphError('sparse AdamW scratch', scratch.length, `a zero array of ${p.length} elements`);
  const slot = new Int32Array(rows).fill(-1);
  const touched: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < rows)) throw new GraphError(`scatterAdd ids[${i}]`, id, `an id in [0, ${rows - 1}]`);
    if (slot[id] === -1) slot[id] = touched.push(id) - 1;
  }
  const acc = new Float64Array(touched.length * width);
  for (let i = 0; i < ids.length; i++) {
    const at = slot[ids[i]!]! * width;
    for (let j = 0; j < width; j++) acc[at + j]! += updates[i * width + j]!;
  }
  touched.forEach((row, k) => scratch.set(acc.subarray(k * width, (k + 1) * width), row * width));
  try {
    adamwInPlace(p, m, v, scratch, s);
  } finally {
    for (const row of touched) scratch.fill(0, row * width, (row + 1) * width);
  }
}
