/**
 * cast between f32, f16 and i32: WGSL's conversions truncate toward zero (and saturate), as the op
 * says. The expression converts to the compute type (f32 for f16); the map's store rounds to f16.
 */
import { computeType, wgslDType } from '../wgsl/dtype.js';
import { elementwise } from './kernel.js';

export const castKernel = elementwise<'cast'>((node) => `${computeType(wgslDType(node.attrs.dtype, 'cast dtype'))}(a0)`);
