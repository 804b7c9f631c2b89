/** where: a where cond is nonzero, else b; all three broadcast. */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { broadcastMap } from '../strided.js';

export const whereKernel: Kernel<'where'> = (inputs, _attrs, out) => {
  const [cond, a, b] = [arg(inputs, 0), arg(inputs, 1), arg(inputs, 2)];
  const size = sizeOf(out.shape);
  const result = allocateArray(out.dtype, size);
  const ic = broadcastMap(cond.shape, out.shape);
  const ia = broadcastMap(a.shape, out.shape);
  const ib = broadcastMap(b.shape, out.shape);
  for (let i = 0; i < size; i++) {
    result[i] = cond.data[ic ? ic[i]! : i] !== 0 ? a.data[ia ? ia[i]! : i]! : b.data[ib ? ib[i]! : i]!;
  }
  return result;
};
