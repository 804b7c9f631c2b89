/** geluGrad fused: dy·(Φ(x) + x·φ(x)), the derivative of exact GELU, in one elementwise pass. */
import { ERF_WGSL } from '../wgsl/erf.js';
import { elementwise } from './kernel.js';

export const geluGradKernel = elementwise<'geluGrad'>(
  () => 'a1 * (0.5 + 0.5 * erf_f32(a0 * 0.7071067811865476) + a0 * 0.3989422804014327 * exp(-0.5 * a0 * a0))',
  ERF_WGSL,
);
