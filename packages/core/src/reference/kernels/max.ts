/** max over axes; NaN propagates; the max of an empty axis is −∞. */
import { type Kernel, arg } from '../kernel.js';
import { reduce } from '../reduce.js';

export const maxKernel: Kernel<'max'> = (inputs, attrs, out) =>
  reduce(arg(inputs, 0), attrs.axes, out, -Infinity, (acc, v) => (v > acc || Number.isNaN(v) ? v : acc));
