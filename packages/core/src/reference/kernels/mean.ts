/** mean over axes: the double-precision sum divided once by the count. */
import { type Kernel, arg } from '../kernel.js';
import { reduce } from '../reduce.js';

export const meanKernel: Kernel<'mean'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const n = attrs.axes.reduce((p, a) => p * x.shape[a]!, 1);
  return reduce(x, attrs.axes, out, 0, (acc, v) => acc + v, (acc) => acc / n);
};
