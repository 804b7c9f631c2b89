/** pad: the output is filled with value, then x is written at offset `before` on every axis. */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf, stridesOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { stridedOffsets } from '../strided.js';

export const padKernel: Kernel<'pad'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const os = stridesOf(out.shape);
  const base = attrs.before.reduce((sum, s, i) => sum + s * os[i]!, 0);
  const offsets = stridedOffsets(x.shape, os, base);
  const result = allocateArray(out.dtype, sizeOf(out.shape)).fill(attrs.value);
  for (let i = 0; i < offsets.length; i++) result[offsets[i]!] = x.data[i]!;
  return result;
};
