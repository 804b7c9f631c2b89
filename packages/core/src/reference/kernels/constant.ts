/** constant: the literal values in row-major order. */
import { allocateArray } from '../../engine/dtype.js';
import type { Kernel } from '../kernel.js';

export const constantKernel: Kernel<'constant'> = (_inputs, attrs, out) => {
  const result = allocateArray(out.dtype, attrs.values.length);
  result.set(attrs.values);
  return result;
};
