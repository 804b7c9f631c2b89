/**
 * How the reference backend computes f16: every kernel runs in doubles as for f32 and f64, on f16
 * inputs decoded exactly, and an f16 result is rounded once to half (round to nearest even) — so each
 * op's result is rounded to half, as on hardware with half arithmetic, while a fused composite
 * (attention, layerNorm, …) is one op and rounds once, like a fused kernel that accumulates in
 * higher precision. Intermediates inside one kernel are doubles: this models f16 storage and f16
 * op results, not f16 accumulators (a hardware matmul accumulating in f16 would lose more).
 * Not a kernel of its own: `halfEmulated` wraps any kernel.
 */
import { decodeHalf, encodeHalf } from '../../engine/half.js';
import type { HostTensor } from '../../engine/host-tensor.js';
import type { OpKind } from '../../engine/ops.js';
import type { Kernel } from '../kernel.js';

function widen(t: HostTensor): HostTensor {
  return t.data instanceof Uint16Array ? { dtype: 'f64', shape: t.shape, data: decodeHalf(t.data) } : t;
}

export function halfEmulated<K extends OpKind>(kernel: Kernel<K>): Kernel<K> {
  return (inputs, attrs, out) => {
    const half = out.dtype === 'f16';
    if (!half && !inputs.some((t) => t.dtype === 'f16')) return kernel(inputs, attrs, out);
    const data = kernel(inputs.map(widen), attrs, half ? { dtype: 'f64', shape: out.shape } : out);
    return half ? encodeHalf(data) : data;
  };
}
