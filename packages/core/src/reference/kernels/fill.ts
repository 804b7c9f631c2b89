/** fill: every element equals value. */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import type { Kernel } from '../kernel.js';

export const fillKernel: Kernel<'fill'> = (_inputs, attrs, out) => allocateArray(out.dtype, sizeOf(out.shape)).fill(attrs.value);
