/** reshape: a contiguous copy (row-major order is unchanged). Aliasing the buffer is a later optimisation. */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { dispatch, type WebGpuKernel } from './kernel.js';

export const reshapeKernel: WebGpuKernel<'reshape'> = (node) => {
  const dtype = wgslDType(node.type.dtype, 'reshape dtype');
  const flat = [node.type.shape.reduce((a, b) => a * b, 1)];
  return dispatch(mapPass({ shape: flat, out: { dtype, view: contiguous(flat) }, inputs: [{ dtype, view: contiguous(flat) }], expr: 'a0' }));
};
