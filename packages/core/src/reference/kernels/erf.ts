/** erf: the error function elementwise, in double precision (see ../erf.ts). */
import { erf } from '../erf.js';
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const erfKernel: Kernel<'erf'> = (inputs, _attrs, out) => mapUnary(arg(inputs, 0), out, erf);
