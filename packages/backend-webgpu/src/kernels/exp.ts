/** exp: eˣ (WGSL builtin). */
import { elementwise } from './kernel.js';

export const expKernel = elementwise<'exp'>(() => 'exp(a0)');
