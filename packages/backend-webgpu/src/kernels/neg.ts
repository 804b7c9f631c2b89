/** neg: −x. */
import { elementwise } from './kernel.js';

export const negKernel = elementwise<'neg'>(() => '-a0');
