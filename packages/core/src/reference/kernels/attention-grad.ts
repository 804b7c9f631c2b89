/**
 * attentionGrad (fused): per batch element and query row, recompute the probabilities p exactly as
 * the forward kernel does (attention.ts), then dv[j] += p_j·dy[i], dp_j = dy[i]·v[j],
 * ds_j = p_j·(dp_j − Σ p·dp) (0 for disallowed keys), dq[i] += scale·Σ_j ds_j·k[j],
 * dk[j] += scale·ds_j·q[i]. Accumulated in doubles at each input's own (broadcast) offsets, so
 * summing over broadcast batch dims comes for free; the wanted ones packed and rounded once.
 */
import { type FloatDType, allocateArray, lowestFinite } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { broadcastMap, broadcastStrides, stridedOffsets } from '../strided.js';
import { softmaxInPlace } from './softmax.js';

export const attentionGradKernel: Kernel<'attentionGrad'> = (inputs, attrs, out) => {
  const [q, k, v, dy] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2), arg(inputs, 3)];
  const mask = inputs[4];
  const t = q.shape[q.shape.length - 2]!;
  const hs = q.shape[q.shape.length - 1]!;
  const s = k.shape[k.shape.length - 2]!;
  const hv = v.shape[v.shape.length - 1]!;
  const batch = dy.shape.slice(0, dy.shape.length - 2);
  const offsets = (shape: readonly number[], block: number) =>
    stridedOffsets(batch, broadcastStrides(shape.slice(0, -2), batch).map((st) => st * block));
  const qb = offsets(q.shape, t * hs);
  const kb = offsets(k.shape, s * hs);
  const vb = offsets(v.shape, s * hv);
  const maskMap = mask ? broadcastMap(mask.shape, [...batch, t, s]) : null;
  const lowest = lowestFinite(out.dtype as FloatDType);

  const dq = new Float64Array(q.data.length);
  const dk = new Float64Array(k.data.length);
  const dv = new Float64Array(v.data.length);
  const p = new Float64Array(s);
  const ds = new Float64Array(s);
  const allowed = new Uint8Array(s);
  for (let bi = 0; bi < qb.length; bi++) {
    const [qo, ko, vo] = [qb[bi]!, kb[bi]!, vb[bi]!];
    for (let i = 0; i < t; i++) {
      const dyo = (bi * t + i) * hv;
      for (let j = 0; j < s; j++) {
        const flat = (bi * t + i) * s + j;
        allowed[j] = (!attrs.causal || j <= i + s - t) && (!mask || mask.data[maskMap ? maskMap[flat]! : flat] !== 0) ? 1 : 0;
        if (!allowed[j]) {
          p[j] = lowest;
          continue;
        }
        let dot = 0;
        for (let c = 0; c < hs; c++) dot += q.data[qo + i * hs + c]! * k.data[ko + j * hs + c]!;
        p[j] = dot * attrs.scale;
      }
      softmaxInPlace(p);
      let inner = 0;
      for (let j = 0; j < s; j++) {
        let dp = 0;
        for (let c = 0; c < hv; c++) {
          dp += dy.data[dyo + c]! * v.data[vo + j * hv + c]!;
          dv[vo + j * hv + c]! += p[j]! * dy.data[dyo + c]!;
        }
        ds[j] = dp;
        inner += p[j]! * dp;
      }
      for (let j = 0; j < s; j++) {
        const g = allowed[j] ? p[j]! * (ds[j]! - inner) * attrs.scale : 0;
        if (g === 0) continue;
        for (let c = 0; c < hs; c++) {
          dq[qo + i * hs + c]! += g * k.data[ko + j * hs + c]!;
          dk[ko + j * hs + c]! += g * q.data[qo + i * hs + c]!;
        }
      }
    }
  }
  const result = allocateArray(out.dtype, sizeOf(out.shape));
  let offset = 0;
  for (const [wanted, part] of [[attrs.grads[0], dq], [attrs.grads[1], dk], [attrs.grads[2], dv]] as const) {
    if (!wanted) continue;
    result.set(part, offset);
    offset += part.length;
  }
  return result;
};
