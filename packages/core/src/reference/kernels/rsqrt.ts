/** rsqrt: 1/√x, elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const rsqrtKernel: Kernel<'rsqrt'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => 1 / Math.sqrt(v));
