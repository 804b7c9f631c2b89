/** transpose: iterate the output; read the input through its strides permuted (out axis i = in axis perm[i]). */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export const transposeKernel: WebGpuKernel<'transpose'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'transpose dtype');
  const own = contiguous(input(inputs, 0, 'transpose').shape).strides;
  const view = { base: 0, strides: node.attrs.perm.map((axis) => own[axis]!) };
  return dispatch(mapPass({ shape: node.type.shape, out: { dtype, view: contiguous(node.type.shape) }, inputs: [{ dtype, view }], expr: 'a0' }));
};
