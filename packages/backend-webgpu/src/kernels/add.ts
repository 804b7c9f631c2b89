/** add: a0 + a1 with numpy broadcasting (i32 wraps; i32 division truncates toward zero, as WGSL does). */
import { elementwise } from './kernel.js';

export const addKernel = elementwise<'add'>(() => 'a0 + a1');
