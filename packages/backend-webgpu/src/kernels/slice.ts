/** slice: the input read through a view whose base is the start corner. */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export const sliceKernel: WebGpuKernel<'slice'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'slice dtype');
  const own = contiguous(input(inputs, 0, 'slice').shape).strides;
  const base = node.attrs.starts.reduce((sum, start, d) => sum + start * own[d]!, 0);
  return dispatch(mapPass({ shape: node.type.shape, out: { dtype, view: contiguous(node.type.shape) }, inputs: [{ dtype, view: { base, strides: own } }], expr: 'a0' }));
};
