/**
 * adamwParam fused: AdamW's parameter step of one tensor, p·decay − (m / (√v / √bc2 + eps))·stepSize,
 * in one elementwise pass instead of the decomposition's seven. decay, stepSize and √bc2 are scalar
 * tensors (they change every step, so they are graph inputs, read through stride-0 views); eps is a
 * uniform. The arithmetic is the decomposition's, operation for operation, in f32. Forward only.
 */
import { wgslDType } from '../wgsl/dtype.js';
import { broadcastView, contiguous, mapPass } from '../wgsl/map.js';
import { f32Bits } from '../wgsl/program.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export const adamwParamKernel: WebGpuKernel<'adamwParam'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'adamwParam dtype');
  const shape = node.type.shape;
  return dispatch(
    mapPass({
      shape,
      out: { dtype, view: contiguous(shape) },
      inputs: [0, 1, 2, 3, 4, 5].map((i) => ({ dtype: wgslDType(input(inputs, i, 'adamwParam').dtype, `adamwParam input ${i}`), view: broadcastView(inputs[i]!.shape, shape) })),
      expr: 'a0 * a3 - (a1 / (sqrt(a2) / a5 + bitcast<f32>(e0))) * a4',
      extras: [f32Bits(node.attrs.eps)],
    }),
  );
};
