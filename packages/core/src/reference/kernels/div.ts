/** div: a/b, broadcasting. i32 truncates toward zero; i32 division by zero gives 0 (JS ToInt32). */
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const divKernel: Kernel<'div'> = (inputs, _attrs, out) =>
  mapBinary(arg(inputs, 0), arg(inputs, 1), out, out.dtype === 'i32' ? (x, y) => Math.trunc(x / y) : (x, y) => x / y);
