/** gelu fused: exact x·Φ(x) = x/2·(1 + erf(x/√2)), the composite's definition, in one pass. */
import { ERF_WGSL } from '../wgsl/erf.js';
import { elementwise } from './kernel.js';

export const geluKernel = elementwise<'gelu'>(() => '0.5 * a0 * (1.0 + erf_f32(a0 * 0.7071067811865476))', ERF_WGSL);
