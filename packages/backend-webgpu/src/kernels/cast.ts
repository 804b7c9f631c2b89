/** cast between f32 and i32: WGSL's conversions truncate toward zero (and saturate), as the op says. */
import { wgslDType } from '../wgsl/dtype.js';
import { elementwise } from './kernel.js';

export const castKernel = elementwise<'cast'>((node) => `${wgslDType(node.attrs.dtype, 'cast dtype')}(a0)`);
