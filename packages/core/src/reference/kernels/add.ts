/** add: a + b, broadcasting. i32 results wrap to 32 bits when stored. */
import { mapBinary } from '../elementwise.js';
import { type Kernel, arg } from '../kernel.js';

export const addKernel: Kernel<'add'> = (inputs, _attrs, out) => mapBinary(arg(inputs, 0), arg(inputs, 1), out, (x, y) => x + y);
