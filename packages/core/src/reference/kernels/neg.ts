/** neg: −x, elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const negKernel: Kernel<'neg'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => -v);
