/** cast: float→i32 truncates toward zero (as torch's .int()); other casts round to the target. */
import { mapUnary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const castKernel: Kernel<'cast'> = (inputs, _attrs, out) =>
  mapUnary(arg(inputs, 0), out, out.dtype === 'i32' ? Math.trunc : (v) => v);
