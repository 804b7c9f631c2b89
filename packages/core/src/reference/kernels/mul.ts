/** mul: a·b, broadcasting. i32 uses Math.imul so large products wrap like 32-bit integers. */
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const mulKernel: Kernel<'mul'> = (inputs, _attrs, out) =>
  mapBinary(arg(inputs, 0), arg(inputs, 1), out, out.dtype === 'i32' ? Math.imul : (x, y) => x * y);
