/** log: ln x (−∞ at 0, NaN below), elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const logKernel: Kernel<'log'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => Math.log(v));
