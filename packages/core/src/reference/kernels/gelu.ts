/** gelu (fused): exact x·½·(1 + erf(x/√2)). */
import { erf } from '../erf.js';
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const geluKernel: Kernel<'gelu'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
