/** broadcast: expand to shape by numpy rules. */
import { allocateArray } from '../../engine/dtype.js';
import { type Kernel, arg } from '../kernel.js';
import { broadcastMap } from '../strided.js';

export const broadcastKernel: Kernel<'broadcast'> = (inputs, _attrs, out) => {
  const x = arg(inputs, 0);
  const map = broadcastMap(x.shape, out.shape);
  if (!map) return x.data.slice();
  const result = allocateArray(out.dtype, map.length);
  for (let i = 0; i < map.length; i++) result[i] = x.data[map[i]!]!;
  return result;
};
