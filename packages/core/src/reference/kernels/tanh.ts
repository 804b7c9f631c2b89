/** tanh: tanh x, elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const tanhKernel: Kernel<'tanh'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => Math.tanh(v));
