/** maximum: max(a0, a1) elementwise with numpy broadcasting. */
import { elementwise } from './kernel.js';

export const maximumKernel = elementwise<'maximum'>(() => 'max(a0, a1)');
