/** rsqrt: 1/√x. Written as a division rather than inverseSqrt, whose WGSL accuracy bound (2 ulp) is looser. */
import { elementwise } from './kernel.js';

export const rsqrtKernel = elementwise<'rsqrt'>(() => '1.0 / sqrt(a0)');
