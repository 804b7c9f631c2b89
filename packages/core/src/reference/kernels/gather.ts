/** gather: row ids[i] of the table for every id; an id outside [0, rows) is an error, not a clamp. */
import { allocateArray } from '../../engine/dtype.js';
import { GraphError } from '../../engine/errors.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';

export const gatherKernel: Kernel<'gather'> = (inputs, _attrs, out) => {
  const table = arg(inputs, 0);
  const ids = arg(inputs, 1);
  const rows = table.shape[0]!;
  const width = sizeOf(table.shape.slice(1));
  const result = allocateArray(out.dtype, sizeOf(out.shape));
  for (let i = 0; i < ids.data.length; i++) {
    const id = ids.data[i]!;
    if (id < 0 || id >= rows) throw new GraphError(`gather ids[${i}]`, id, `an id in [0, ${rows - 1}]`);
    result.set(table.data.subarray(id * width, (id + 1) * width), i * width);
  }
  return result;
};
