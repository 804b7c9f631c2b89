/** sum over axes (output layout is the same with or without keepDims). */
import { type Kernel, arg } from '../kernel.js';
import { reduce } from '../reduce.js';

export const sumKernel: Kernel<'sum'> = (inputs, attrs, out) => reduce(arg(inputs, 0), attrs.axes, out, 0, (acc, v) => acc + v);
