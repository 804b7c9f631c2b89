/** sqrt: square root (WGSL builtin). */
import { elementwise } from './kernel.js';

export const sqrtKernel = elementwise<'sqrt'>(() => 'sqrt(a0)');
