/** erf through erf_f32 (wgsl/erf.ts). */
import { ERF_WGSL } from '../wgsl/erf.js';
import { elementwise } from './kernel.js';

export const erfKernel = elementwise<'erf'>(() => 'erf_f32(a0)', ERF_WGSL);
