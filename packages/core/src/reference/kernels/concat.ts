/** concat: each input written into its band of the output along axis. */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf, stridesOf } from '../../engine/shape.js';
import type { Kernel } from '../kernel.js';
import { stridedOffsets } from '../strided.js';

export const concatKernel: Kernel<'concat'> = (inputs, attrs, out) => {
  const os = stridesOf(out.shape);
  const result = allocateArray(out.dtype, sizeOf(out.shape));
  let start = 0;
  for (const x of inputs) {
    const offsets = stridedOffsets(x.shape, os, start * os[attrs.axis]!);
    for (let i = 0; i < offsets.length; i++) result[offsets[i]!] = x.data[i]!;
    start += x.shape[attrs.axis]!;
  }
  return result;
};
