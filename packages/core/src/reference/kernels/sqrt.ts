/** sqrt: √x, elementwise. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const sqrtKernel: Kernel<'sqrt'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => Math.sqrt(v));
