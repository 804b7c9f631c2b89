/** scatterAdd: zeros [rows, ...] with updates[i] added to row ids[i]; repeats accumulate in doubles. */
import { allocateArray } from '../../engine/dtype.js';
import { GraphError } from '../../engine/errors.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';

export const scatterAddKernel: Kernel<'scatterAdd'> = (inputs, attrs, out) => {
  const ids = arg(inputs, 0);
  const updates = arg(inputs, 1);
  const width = sizeOf(out.shape.slice(1));
  const acc = new Float64Array(sizeOf(out.shape));
  for (let i = 0; i < ids.data.length; i++) {
    const id = ids.data[i]!;
    if (id < 0 || id >= attrs.rows) throw new GraphError(`scatterAdd ids[${i}]`, id, `an id in [0, ${attrs.rows - 1}]`);
    for (let j = 0; j < width; j++) acc[id * width + j]! += updates.data[i * width + j]!;
  }
  const result = allocateArray(out.dtype, acc.length);
  result.set(acc);
  return result;
};
