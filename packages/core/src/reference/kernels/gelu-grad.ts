/** geluGrad (fused): dy·(Φ(x) + x·φ(x)) per element, in doubles, rounded once. */
import { erf } from '../erf.js';
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const geluGradKernel: Kernel<'geluGrad'> = (inputs, _attrs, out) =>
  mapBinary(arg(inputs, 0), arg(inputs, 1), out, (x, dy) => dy * (0.5 * (1 + erf(x * Math.SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)));
