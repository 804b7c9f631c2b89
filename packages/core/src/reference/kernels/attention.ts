/**
 * attention (fused): per batch element and query row, scores = scale·q·kᵀ, disallowed keys (causal:
 * j > i + S − T; mask: zero) set to the dtype's lowest finite value, softmax, then ·v. All in doubles,
 * rounded once — the decomposition (engine/decompositions/attention.ts) rounds after every op, so in
 * f32 the two agree to rounding, in f64 to ~1e-15.
 */
import { type FloatDType, allocateArray, lowestFinite } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { broadcastMap, broadcastStrides, stridedOffsets } from '../strided.js';
import { softmaxInPlace } from './softmax.js';

export const attentionKernel: Kernel<'attention'> = (inputs, attrs, out) => {
  const [q, k, v] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
  const mask = inputs[3];
  const rank = out.shape.length;
  const t = q.shape[q.shape.length - 2]!;
  const hs = q.shape[q.shape.length - 1]!;
  const s = k.shape[k.shape.length - 2]!;
  const hv = v.shape[v.shape.length - 1]!;
  const batch = out.shape.slice(0, rank - 2);
  const offsets = (x: typeof q, block: number) => stridedOffsets(batch, broadcastStrides(x.shape.slice(0, -2), batch).map((st) => st * block));
  const qb = offsets(q, t * hs);
  const kb = offsets(k, s * hs);
  const vb = offsets(v, s * hv);
  const maskMap = mask ? broadcastMap(mask.shape, [...batch, t, s]) : null;
  const lowest = lowestFinite(out.dtype as FloatDType);

  const result = allocateArray(out.dtype, sizeOf(out.shape));
  const scores = new Float64Array(s);
  for (let bi = 0; bi < qb.length; bi++) {
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < s; j++) {
        const flat = (bi * t + i) * s + j;
        const allowed = (!attrs.causal || j <= i + s - t) && (!mask || mask.data[maskMap ? maskMap[flat]! : flat] !== 0);
        if (!allowed) {
          scores[j] = lowest;
          continue;
        }
        let dot = 0;
        for (let c = 0; c < hs; c++) dot += q.data[qb[bi]! + i * hs + c]! * k.data[kb[bi]! + j * hs + c]!;
        scores[j] = dot * attrs.scale;
      }
      softmaxInPlace(scores);
      for (let c = 0; c < hv; c++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += scores[j]! * v.data[vb[bi]! + j * hv + c]!;
        result[(bi * t + i) * hv + c] = acc;
      }
    }
  }
  return result;
};
