/** transpose: out[i₀…] = x[…] with out axis d reading x axis perm[d]. */
import { allocateArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { stridedOffsets } from '../strided.js';

export const transposeKernel: Kernel<'transpose'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const xs = stridesOf(x.shape);
  const offsets = stridedOffsets(out.shape, attrs.perm.map((p) => xs[p]!));
  const result = allocateArray(out.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) result[i] = x.data[offsets[i]!]!;
  return result;
};
