/** slice: the box [starts, ends) of x, step 1. */
import { allocateArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { stridedOffsets } from '../strided.js';

export const sliceKernel: Kernel<'slice'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const xs = stridesOf(x.shape);
  const base = attrs.starts.reduce((sum, s, i) => sum + s * xs[i]!, 0);
  const offsets = stridedOffsets(out.shape, xs, base);
  const result = allocateArray(out.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) result[i] = x.data[offsets[i]!]!;
  return result;
};
