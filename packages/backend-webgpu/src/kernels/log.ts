/** log: natural logarithm (WGSL builtin; log 0 = −inf as IEEE says). */
import { elementwise } from './kernel.js';

export const logKernel = elementwise<'log'>(() => 'log(a0)');
