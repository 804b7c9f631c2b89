/** pad: two passes — fill the output with the value, then copy the input into the interior view. */
import { wgslDType } from '../wgsl/dtype.js';
import { contiguous, mapPass } from '../wgsl/map.js';
import { fillPass } from './fill.js';
import { dispatch, input, type WebGpuKernel } from './kernel.js';

export const padKernel: WebGpuKernel<'pad'> = (node, inputs) => {
  const dtype = wgslDType(node.type.dtype, 'pad dtype');
  const x = input(inputs, 0, 'pad');
  const out = contiguous(node.type.shape).strides;
  const base = node.attrs.before.reduce((sum, b, d) => sum + b * out[d]!, 0);
  return dispatch(
    fillPass(node.type.shape, dtype, node.attrs.value),
    mapPass({ shape: x.shape, out: { dtype, view: { base, strides: out } }, inputs: [{ dtype, view: contiguous(x.shape) }], expr: 'a0' }),
  );
};
