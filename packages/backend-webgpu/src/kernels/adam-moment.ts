/**
 * adamMoment fused: AdamW's m or v update of one tensor, β·m + (1 − β)·g (squared: β·v + ((1 − β)·g)·g),
 * in one elementwise pass instead of the decomposition's three (m) or four (v). β and 1 − β travel as f32
 * uniforms computed on the host — the constants the decomposition would hold — so the arithmetic is
 * the decomposition's, operation for operation, in f32. Forward only: optimiser ops have no gradient.
 */
import { wgslDType } from '../wgsl/dtype.js';
import { broadcastView, contiguous, mapPass } from '../wgsl/map.js';
import { f32Bits } from '../wgsl/program.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export const adamMomentKernel: WebGpuKernel<'adamMoment'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'adamMoment dtype');
  const shape = node.type.shape;
  return dispatch(
    mapPass({
      shape,
      out: { dtype, view: contiguous(shape) },
      inputs: [0, 1].map((i) => ({ dtype: wgslDType(input(inputs, i, 'adamMoment').dtype, `adamMoment input ${i}`), view: broadcastView(inputs[i]!.shape, shape) })),
      expr: node.attrs.squared ? 'a0 * bitcast<f32>(e0) + (a1 * bitcast<f32>(e1)) * a1' : 'a0 * bitcast<f32>(e0) + a1 * bitcast<f32>(e1)',
      extras: [f32Bits(node.attrs.beta), f32Bits(1 - node.attrs.beta)],
    }),
  );
};
