/** exp: eˣ, elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const expKernel: Kernel<'exp'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => Math.exp(v));
