/** iota: each element equals its index along axis. */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf, stridesOf } from '../../engine/shape.js';
import type { Kernel } from '../kernel.js';

export const iotaKernel: Kernel<'iota'> = (_inputs, attrs, out) => {
  const result = allocateArray(out.dtype, sizeOf(out.shape));
  const stride = stridesOf(out.shape)[attrs.axis]!;
  const dim = out.shape[attrs.axis]!;
  for (let i = 0; i < result.length; i++) result[i] = Math.floor(i / stride) % dim;
  return result;
};
